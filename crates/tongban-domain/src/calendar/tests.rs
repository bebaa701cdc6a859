use jiff::civil::{Date, date};
use proptest::prelude::*;

use super::*;

fn calendar() -> Calendar {
    Calendar::built_in()
}

fn off(days: &[Date]) {
    let c = calendar();
    for day in days {
        assert_eq!(c.is_workday(*day), Ok(false), "{day} is a day off");
    }
}

fn working(days: &[Date]) {
    let c = calendar();
    for day in days {
        assert_eq!(c.is_workday(*day), Ok(true), "{day} is a working day");
    }
}

#[test]
fn spring_festival_2025() {
    off(&[
        date(2025, 1, 28),
        date(2025, 1, 31),
        date(2025, 2, 4),
        date(2025, 1, 25), // an ordinary Saturday
    ]);
    working(&[date(2025, 1, 26), date(2025, 2, 8), date(2025, 2, 5)]);
    let c = calendar();
    // Accepted on Monday 27 January with a 3-day limit: 26 was a make-up Sunday, then the
    // holiday; the count resumes on 5 February.
    assert_eq!(c.add_workdays(date(2025, 1, 27), 3), Ok(date(2025, 2, 7)));
    assert_eq!(c.add_workdays(date(2025, 1, 27), 4), Ok(date(2025, 2, 8)));
    assert_eq!(
        c.workdays_between(date(2025, 1, 27), date(2025, 2, 10)),
        Ok(5)
    );
}

#[test]
fn national_day_2025() {
    off(&[date(2025, 10, 1), date(2025, 10, 8)]);
    working(&[date(2025, 9, 28), date(2025, 10, 11), date(2025, 10, 9)]);
    let c = calendar();
    assert_eq!(c.add_workdays(date(2025, 9, 30), 1), Ok(date(2025, 10, 9)));
    assert_eq!(
        c.workdays_between(date(2025, 9, 29), date(2025, 10, 13)),
        Ok(5)
    );
}

#[test]
fn spring_festival_2026() {
    off(&[date(2026, 2, 15), date(2026, 2, 17), date(2026, 2, 23)]);
    working(&[date(2026, 2, 14), date(2026, 2, 28), date(2026, 2, 24)]);
    let c = calendar();
    // Friday 13 February + 1: the make-up Saturday; + 2: Tuesday after the holiday.
    assert_eq!(c.add_workdays(date(2026, 2, 13), 1), Ok(date(2026, 2, 14)));
    assert_eq!(c.add_workdays(date(2026, 2, 13), 2), Ok(date(2026, 2, 24)));
    // A 20-working-day limit from acceptance on 2 February 2026.
    assert_eq!(c.add_workdays(date(2026, 2, 2), 20), Ok(date(2026, 3, 6)));
    assert_eq!(
        c.workdays_between(date(2026, 2, 14), date(2026, 3, 1)),
        Ok(6)
    );
}

#[test]
fn national_day_2026() {
    off(&[date(2026, 10, 1), date(2026, 10, 7), date(2026, 10, 11)]);
    working(&[date(2026, 9, 20), date(2026, 10, 10), date(2026, 10, 8)]);
    let c = calendar();
    assert_eq!(c.add_workdays(date(2026, 9, 30), 1), Ok(date(2026, 10, 8)));
    assert_eq!(c.add_workdays(date(2026, 10, 3), 0), Ok(date(2026, 10, 8)));
    assert_eq!(c.add_workdays(date(2026, 10, 3), 1), Ok(date(2026, 10, 8)));
    assert_eq!(
        c.workdays_between(date(2026, 10, 1), date(2026, 10, 12)),
        Ok(3)
    );
}

#[test]
fn every_day_2019_to_2026_agrees_with_the_notices() {
    let c = calendar();
    let notices: Vec<HolidayNotice> = BUILT_IN_NOTICES
        .iter()
        .map(|t| HolidayNotice::parse(t).unwrap())
        .collect();
    let mut day = date(2019, 1, 1);
    let mut counted = 0i64;
    while day.year() <= 2026 {
        let listed = notices
            .iter()
            .flat_map(|n| &n.days)
            .find(|d| d.date == day)
            .map(|d| !d.is_off_day);
        let weekday = !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday);
        let expected = listed.unwrap_or(weekday);
        assert_eq!(c.is_workday(day), Ok(expected), "{day}");
        counted += i64::from(expected);
        day = day.tomorrow().unwrap();
    }
    assert_eq!(
        c.workdays_between(date(2019, 1, 1), date(2027, 1, 1)),
        Ok(counted)
    );
    // 2025: 261 weekdays, 18 of them holidays, 5 make-up weekend days.
    assert_eq!(
        c.workdays_between(date(2025, 1, 1), date(2026, 1, 1)),
        Ok(248)
    );
}

#[test]
fn the_shared_official_data_when_present_is_what_is_shipped() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/holidays");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("../shared not present: shipped data checked on its own");
        return;
    };
    let c = calendar();
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(year) = path
            .file_stem()
            .and_then(|s| s.to_str())
            .and_then(|s| s.parse::<i16>().ok())
        else {
            continue;
        };
        let official = HolidayNotice::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(
            c.notice(year).map(|n| &n.days),
            Some(&official.days),
            "{year}"
        );
    }
}

#[test]
fn years_without_data_are_refused_not_guessed() {
    let c = calendar();
    let missing = Err(CalendarError::YearNotLoaded { year: 2027 });
    assert_eq!(c.is_workday(date(2027, 1, 4)).map(|_| ()), missing.clone());
    assert_eq!(
        c.add_workdays(date(2026, 12, 28), 10).map(|_| ()),
        missing.clone()
    );
    assert_eq!(
        c.workdays_between(date(2026, 12, 1), date(2027, 1, 2))
            .map(|_| ()),
        missing
    );
    assert_eq!(
        c.workdays_between(date(2026, 12, 1), date(2027, 1, 1)),
        Ok(23)
    );
    assert!(c.is_workday(date(2018, 12, 28)).is_err());
    // A gap between loaded years is refused too.
    let gap = Calendar::from_notices(
        [0, 2]
            .into_iter()
            .map(|i| HolidayNotice::parse(BUILT_IN_NOTICES[i]).unwrap()),
    );
    assert_eq!(
        gap.workdays_between(date(2019, 6, 1), date(2021, 6, 1)),
        Err(CalendarError::YearNotLoaded { year: 2020 })
    );
    assert_eq!(
        gap.add_workdays(date(2019, 12, 31), 1),
        Err(CalendarError::YearNotLoaded { year: 2020 })
    );
    assert!(
        CalendarError::YearNotLoaded { year: 2027 }
            .zh()
            .contains("2027")
    );
}

#[test]
fn bad_notices_are_refused_naming_the_field() {
    let field = |text: &str| HolidayNotice::parse(text).unwrap_err().field;
    assert_eq!(field("{"), "notice");
    assert_eq!(field(r#"{"year": 2027, "days": []}"#), "days");
    assert_eq!(field(r#"{"year": 3000, "days": []}"#), "year");
    assert_eq!(
        field(
            r#"{"year": 2027, "days": [{"name": "元旦", "date": "2025-01-01", "isOffDay": true}]}"#
        ),
        "days[0].date"
    );
    assert_eq!(
        field(
            r#"{"year": 2027, "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true},
            {"name": "元旦", "date": "2027-01-01", "isOffDay": true}]}"#
        ),
        "days[1].date"
    );
    // The December before is allowed (2019's notice moves 2018-12-29).
    assert!(HolidayNotice::parse(BUILT_IN_NOTICES[0]).is_ok());
}

#[test]
fn a_year_added_later_extends_the_calendar() {
    let next = r#"{"year": 2027, "papers": [], "days": [
        {"name": "元旦", "date": "2027-01-01", "isOffDay": true}]}"#;
    let c = calendar();
    let extended = Calendar::from_notices(
        c.notices()
            .cloned()
            .chain([HolidayNotice::parse(next).unwrap()]),
    );
    assert_eq!(extended.is_workday(date(2027, 1, 1)), Ok(false));
    assert_eq!(extended.is_workday(date(2027, 1, 4)), Ok(true));
    assert_eq!(
        extended.add_workdays(date(2026, 12, 31), 1),
        Ok(date(2027, 1, 4))
    );
}

fn any_date() -> impl Strategy<Value = Date> {
    (0i64..(8 * 365)).prop_map(|n| {
        date(2019, 1, 1)
            .checked_add(jiff::Span::new().days(n))
            .unwrap()
    })
}

proptest! {
    #[test]
    fn add_then_count_round_trips(d in any_date(), n in 0u32..200) {
        let c = calendar();
        if let Ok(due) = c.add_workdays(d, n) {
            prop_assert_eq!(c.is_workday(due), Ok(true));
            let expected = if c.is_workday(d).unwrap() || n == 0 { n } else { n - 1 };
            prop_assert_eq!(c.workdays_between(d, due), Ok(i64::from(expected)));
            prop_assert!(due >= d);
        }
    }

    #[test]
    fn due_dates_are_monotonic(a in any_date(), b in any_date(), n in 0u32..100, m in 0u32..100) {
        let c = calendar();
        let (a, b) = (a.min(b), a.max(b));
        if let (Ok(x), Ok(y)) = (c.add_workdays(a, n), c.add_workdays(b, n)) {
            prop_assert!(x <= y);
        }
        let (n, m) = (n.min(m), n.max(m));
        if let (Ok(x), Ok(y)) = (c.add_workdays(a, n), c.add_workdays(a, m)) {
            prop_assert!(x <= y);
        }
    }

    #[test]
    fn counts_add_up(a in any_date(), b in any_date(), x in any_date()) {
        let c = calendar();
        let ab = c.workdays_between(a, b).unwrap();
        prop_assert_eq!(ab, c.workdays_between(a, x).unwrap() + c.workdays_between(x, b).unwrap());
        prop_assert_eq!(ab, -c.workdays_between(b, a).unwrap());
        let next = a.tomorrow().unwrap();
        if next.year() <= 2026 {
            prop_assert_eq!(c.workdays_between(a, next).unwrap() == 1, c.is_workday(a).unwrap());
        }
    }
}
