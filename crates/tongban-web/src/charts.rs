//! Charts as SVG drawn on the server (plotters' SVG backend: no script, no font file, no
//! CDN). Every chart is shown beside a table of the same numbers, for screen readers.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The alert colours of the dashboard: 预警 amber, 黄牌 yellow, 红牌 red.
pub const LEVEL_COLOURS: [RGBColor; 3] = [
    RGBColor(230, 145, 30),
    RGBColor(214, 190, 20),
    RGBColor(196, 40, 40),
];

/// One bar of stacked counts per category (e.g. a department's warnings, yellow and red cards).
pub fn stacked_bars(title: &str, categories: &[(String, [i64; 3])], legend: [&str; 3]) -> String {
    let rows = categories.len().max(1);
    let height = 60 + 28 * rows as u32;
    let max = categories
        .iter()
        .map(|(_, counts)| counts.iter().sum::<i64>())
        .max()
        .unwrap_or(0)
        .max(1);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (720, height)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let names: Vec<String> = categories.iter().map(|(name, _)| name.clone()).collect();
        let chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 16))
            .margin(8)
            .x_label_area_size(24)
            .y_label_area_size(190)
            .build_cartesian_2d(0f64..max as f64 * 1.05, 0f64..rows as f64);
        let Ok(mut chart) = chart else {
            return String::new();
        };
        let _ = chart
            .configure_mesh()
            .disable_y_mesh()
            .disable_y_axis()
            .x_label_formatter(&|x| format!("{x:.0}"))
            .draw();
        // Category names beside their bars (plotters places axis labels at round numbers).
        let name_style = ("sans-serif", 13)
            .into_font()
            .color(&BLACK)
            .pos(Pos::new(HPos::Right, VPos::Center));
        for (i, name) in names.iter().enumerate() {
            let (x, y) = chart.backend_coord(&(0.0, i as f64 + 0.5));
            let _ = root.draw(&Text::new(name.clone(), (x - 6, y), name_style.clone()));
        }
        for (level, colour) in LEVEL_COLOURS.iter().enumerate() {
            let bars = categories.iter().enumerate().map(|(i, (_, counts))| {
                let start: i64 = counts[..level].iter().sum();
                let end = start + counts[level];
                let y = i as f64;
                Rectangle::new(
                    [(start as f64, y + 0.2), (end as f64, y + 0.8)],
                    colour.filled(),
                )
            });
            if let Ok(series) = chart.draw_series(bars) {
                series.label(legend[level]).legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 10, y + 5)], colour.filled())
                });
            }
        }
        let _ = chart
            .configure_series_labels()
            .border_style(BLACK)
            .background_style(WHITE.mix(0.9))
            .draw();
        let _ = root.present();
    }
    accessible(svg, title)
}

/// One line per level over consecutive days (e.g. alerts raised per day).
pub fn daily_lines(title: &str, days: &[String], series: [&[i64]; 3], legend: [&str; 3]) -> String {
    let max = series
        .iter()
        .flat_map(|s| s.iter())
        .copied()
        .max()
        .unwrap_or(0)
        .max(1);
    let n = days.len().max(2);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (720, 280)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 16))
            .margin(8)
            .x_label_area_size(28)
            .y_label_area_size(40)
            .build_cartesian_2d(0f64..(n - 1) as f64, 0f64..max as f64 * 1.1);
        let Ok(mut chart) = chart else {
            return String::new();
        };
        let _ = chart
            .configure_mesh()
            .x_labels(6)
            .x_label_formatter(&|x| {
                days.get(x.round() as usize)
                    .map(|d| d.get(5..).unwrap_or(d).to_owned())
                    .unwrap_or_default()
            })
            .y_label_formatter(&|y| format!("{y:.0}"))
            .draw();
        for (level, colour) in LEVEL_COLOURS.iter().enumerate() {
            let points = series[level]
                .iter()
                .enumerate()
                .map(|(i, v)| (i as f64, *v as f64));
            if let Ok(drawn) = chart.draw_series(LineSeries::new(points, colour.stroke_width(2))) {
                drawn.label(legend[level]).legend(move |(x, y)| {
                    PathElement::new([(x, y), (x + 14, y)], colour.stroke_width(2))
                });
            }
        }
        let _ = chart
            .configure_series_labels()
            .border_style(BLACK)
            .background_style(WHITE.mix(0.9))
            .draw();
        let _ = root.present();
    }
    accessible(svg, title)
}

/// Marks the chart as an image with its title for assistive technology.
fn accessible(svg: String, title: &str) -> String {
    let title = title
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;");
    svg.replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-label=\"{title}\" "),
        1,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_are_svg_with_their_labels() {
        let bars = stacked_bars(
            "各部门办件预警",
            &[
                ("市场监督管理局".into(), [2, 1, 3]),
                ("公安局".into(), [0, 0, 1]),
            ],
            ["预警", "黄牌", "红牌"],
        );
        assert!(bars.starts_with("<svg role=\"img\" aria-label=\"各部门办件预警\""));
        assert!(bars.contains("市场监督管理局") && bars.contains("红牌"));
        assert!(bars.contains("<rect"));
        let days: Vec<String> = (1..=5).map(|d| format!("2026-03-0{d}")).collect();
        let lines = daily_lines(
            "近30日预警",
            &days,
            [&[0, 1, 2, 1, 0], &[0, 0, 1, 1, 0], &[0, 0, 0, 1, 2]],
            ["预警", "黄牌", "红牌"],
        );
        assert!(lines.contains("<polyline") || lines.contains("<path"));
        assert!(lines.contains("03-01"));
    }
}
