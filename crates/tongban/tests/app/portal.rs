//! The portal's front page for the city and its sub-portals (分厅) for each county, district
//! and town: themes, popular items, the region switcher, search for the region.

use axum::http::StatusCode;

use crate::helpers::TestApp;

const LINJIANG: &str = "519902000000";
const SONGXI: &str = "519921000000";
const SONGXI_TOWN: &str = "519921101000";

async fn the_city_page_and_each_regions_sub_portal(app: TestApp) {
    let home = app.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    for wanted in [
        "data-testid=\"home-themes\"",
        "href=\"/search?q=%E5%87%BA%E7%94%9F&#38;near=\"", // 出生, a life event
        "data-testid=\"popular\"",
        &format!("href=\"/regions/{LINJIANG}\""),
        &format!("href=\"/regions/{SONGXI}\""),
    ] {
        assert!(home.body.contains(wanted), "home page: {wanted}");
    }
    // towns are reached from their county, not listed on the city's page
    assert!(
        !home
            .body
            .contains(&format!("href=\"/regions/{SONGXI_TOWN}\""))
    );

    let district = app.get(&format!("/regions/{LINJIANG}")).await;
    assert_eq!(district.status, StatusCode::OK);
    assert!(district.body.contains("临江区分厅"));
    assert!(
        district
            .body
            .contains(&format!("name=\"near\" value=\"{LINJIANG}\"")),
        "search from a sub-portal puts the region's implementations first"
    );
    assert!(
        district.body.contains("<a href=\"/\">"),
        "the way back to the city"
    );
    assert!(
        district
            .body
            .contains(&format!("/search?q=%E5%87%BA%E7%94%9F&#38;near={LINJIANG}")),
        "themes search for the region"
    );

    let county = app.get(&format!("/regions/{SONGXI}")).await;
    assert!(
        county
            .body
            .contains(&format!("href=\"/regions/{SONGXI_TOWN}\"")),
        "its towns"
    );
    let town = app.get(&format!("/regions/{SONGXI_TOWN}")).await;
    assert!(
        town.body.contains(&format!(
            "href=\"/regions/{SONGXI}\" data-testid=\"parent-region\""
        )),
        "a town leads back to its county"
    );
    assert_eq!(
        app.get("/regions/000000000000").await.status,
        StatusCode::NOT_FOUND
    );
}

crate::on_both!(the_city_page_and_each_regions_sub_portal);
