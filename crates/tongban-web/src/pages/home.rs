//! The portal's front page, for the whole city and as a sub-portal (分厅) for each county,
//! district and town (seed 004: one portal for every level): search for the region, the
//! life-event and business-event themes, what people of the region most often come for, the
//! region switcher, and on the city's page the catalog by type, department, level and region.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use tongban_search::SearchDocument;
use tongban_search::dictionary::Audience;
use tongban_store::catalog::{self, Region};

use super::catalog::{item_type_label, level_label};
use super::search::{ThemeLink, theme_links};
use super::{Choice, Chrome, render};
use crate::auth::{Viewer, urlencode};
use crate::error::PageError;
use crate::state::AppState;

/// How many popular items the front page shows.
const POPULAR: usize = 8;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    published: i64,
    /// the sub-portal's region; None on the city's page
    region: Option<Region>,
    /// the region above, for the way back (None: the city's page)
    parent: Option<Region>,
    /// the regions one level down: counties on the city's page, towns on a county's
    subregions: Vec<Region>,
    person_themes: Vec<ThemeLink>,
    organisation_themes: Vec<ThemeLink>,
    popular: Vec<Popular>,
    types: Vec<Choice>,
    departments: Vec<Choice>,
    levels: Vec<Choice>,
    regions: Vec<Choice>,
}

struct Popular {
    name: String,
    href: String,
    department: String,
}

/// The region and every region above it, nearest first.
fn ancestry<'a>(regions: &'a [Region], code: &str) -> Vec<&'a Region> {
    let mut chain = Vec::new();
    let mut next = Some(code.to_owned());
    while let Some(code) = next {
        let Some(region) = regions.iter().find(|r| r.code == code) else {
            break;
        };
        if chain.iter().any(|r: &&Region| r.code == region.code) {
            break;
        }
        next = region.parent_code.clone();
        chain.push(region);
    }
    chain
}

/// What people most often come for, among the implementations open to a resident of the
/// region (its own and those of the regions above): items ranked by the cases of all their
/// implementations there, each shown as the nearest region's implementation.
fn popular(documents: &[SearchDocument], serving: &[&Region]) -> Vec<Popular> {
    let nearness = |d: &SearchDocument| match serving {
        [] => Some(0),
        _ => serving.iter().position(|r| r.code == d.region_code),
    };
    // name → (cases, nearest implementation, its nearness)
    let mut items: HashMap<&str, (u64, &SearchDocument, usize)> = HashMap::new();
    for (document, near) in documents.iter().filter_map(|d| nearness(d).map(|n| (d, n))) {
        let entry = items
            .entry(document.name.as_str())
            .or_insert((0, document, near));
        entry.0 += u64::from(document.popularity);
        if near < entry.2 {
            (entry.1, entry.2) = (document, near);
        }
    }
    let mut ranked: Vec<_> = items.into_values().collect();
    ranked.sort_by(|(a, ad, _), (b, bd, _)| b.cmp(a).then(ad.name.cmp(&bd.name)));
    ranked
        .into_iter()
        .take(POPULAR)
        .map(|(_, d, _)| Popular {
            name: d.name.clone(),
            href: format!("/catalog/items/{}", urlencode(&d.implementation_code)),
            department: d.department.clone(),
        })
        .collect()
}

pub async fn home(State(state): State<AppState>, viewer: Viewer) -> Response {
    portal(&state, &viewer, None).await
}

/// A county's, district's or town's sub-portal (分厅).
pub async fn region_home(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
) -> Response {
    portal(&state, &viewer, Some(code.trim())).await
}

async fn portal(state: &AppState, viewer: &Viewer, code: Option<&str>) -> Response {
    let prefs = viewer.prefs;
    let store_error = |e| PageError::store(e, prefs).into_response();
    let regions = match catalog::regions(&state.store).await {
        Ok(regions) => regions,
        Err(error) => return store_error(error),
    };
    let serving = code.map(|c| ancestry(&regions, c)).unwrap_or_default();
    if code.is_some() && serving.is_empty() {
        return PageError::not_found(prefs).into_response();
    }
    let index = match state.search.get(&state.store).await {
        Ok(index) => index,
        Err(error) => return store_error(error),
    };
    // the catalog by type, department, level and region is the city page's alone
    let facets = match code {
        Some(_) => catalog::Facets::default(),
        None => match catalog::facets(&state.store).await {
            Ok(facets) => facets,
            Err(error) => return store_error(error),
        },
    };
    let region = serving.first().map(|r| (*r).clone());
    // the way back up; the top region's page is the city portal itself
    let parent = serving
        .get(1)
        .filter(|r| r.parent_code.is_some())
        .map(|r| (*r).clone());
    let near = region.as_ref().map_or("", |r| r.code.as_str());
    // on the city's page, the regions under the top; on a sub-portal, the regions under it
    let above = match &region {
        Some(r) => Some(r.code.clone()),
        None => regions
            .iter()
            .find(|r| r.parent_code.is_none())
            .map(|r| r.code.clone()),
    };
    let subregions = regions
        .iter()
        .filter(|r| r.parent_code.is_some() && r.parent_code == above)
        .cloned()
        .collect();
    let lang = prefs.lang;
    let title = region
        .as_ref()
        .map_or(lang.texts().nav_home.to_owned(), |r| {
            format!("{}{}", r.name, lang.texts().sub_portal)
        });
    let path = region
        .as_ref()
        .map_or("/".to_owned(), |r| format!("/regions/{}", r.code));
    let choice = |key: String, label: String, count: i64| Choice {
        key,
        label,
        count,
        selected: false,
    };
    let page = HomePage {
        chrome: Chrome::new(viewer, &title, &path),
        published: facets.by_type.iter().map(|(_, n)| n).sum(),
        person_themes: theme_links(&index, Audience::Person, near),
        organisation_themes: theme_links(&index, Audience::Organisation, near),
        popular: popular(index.documents(), &serving),
        region,
        parent,
        subregions,
        types: facets
            .by_type
            .iter()
            .map(|(t, n)| choice(t.clone(), item_type_label(lang, t), *n))
            .collect(),
        departments: facets
            .by_department
            .iter()
            .map(|(id, name, n)| choice(id.to_string(), name.clone(), *n))
            .collect(),
        levels: facets
            .by_level
            .iter()
            .map(|(l, n)| choice(l.to_string(), level_label(lang, *l), *n))
            .collect(),
        regions: facets
            .by_region
            .iter()
            .map(|(code, name, n)| choice(code.clone(), name.clone(), *n))
            .collect(),
    };
    render(&page)
}
