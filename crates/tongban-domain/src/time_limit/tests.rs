use jiff::civil::{Date, date};
use proptest::prelude::*;

use super::*;

fn calendar() -> Calendar {
    Calendar::built_in()
}

fn settings() -> TimeLimitSettings {
    TimeLimitSettings::default()
}

fn read(limit: &TimeLimit, day: Date) -> Reading {
    limit.read(&calendar(), day, &settings()).unwrap()
}

fn corrections(from: Date, to: Option<Date>) -> Stop {
    Stop {
        kind: StopKind::Corrections,
        reason: "申请材料不齐全".into(),
        started_on: from,
        ended_on: to,
        excluded_by_law: true,
    }
}

#[test]
fn a_twenty_day_limit_across_the_2026_spring_festival() {
    let limit = TimeLimit::new(date(2026, 2, 2), 20);
    let on = |day| read(&limit, day);
    assert_eq!(on(date(2026, 2, 2)).remaining_days, 20);
    assert_eq!(on(date(2026, 2, 2)).due_on, Some(date(2026, 3, 6)));
    // 13 days counted by 26 February: 3–6, 9–13, the make-up 14th, 24–26.
    assert_eq!(on(date(2026, 2, 27)).elapsed_days, 13);
    assert_eq!(on(date(2026, 2, 27)).level, AlertLevel::None);
    assert_eq!(on(date(2026, 3, 2)).remaining_days, 5);
    assert_eq!(on(date(2026, 3, 2)).level, AlertLevel::Warning);
    assert_eq!(on(date(2026, 3, 6)).remaining_days, 1);
    assert_eq!(on(date(2026, 3, 6)).level, AlertLevel::Yellow);
    assert_eq!(
        on(date(2026, 3, 7)).level,
        AlertLevel::Red,
        "past the limit on the weekend"
    );
    assert_eq!(on(date(2026, 3, 10)).remaining_days, -1);
}

#[test]
fn an_immediate_case_is_due_the_same_working_day() {
    // Taken in at a kiosk on a National Day holiday: due the first working day after.
    let limit = TimeLimit::new(date(2026, 10, 3), 0);
    assert_eq!(
        read(&limit, date(2026, 10, 3)).due_on,
        Some(date(2026, 10, 8))
    );
    assert_eq!(read(&limit, date(2026, 10, 8)).level, AlertLevel::Yellow);
    assert_eq!(read(&limit, date(2026, 10, 9)).level, AlertLevel::Red);
    let on_a_working_day = TimeLimit::new(date(2026, 11, 23), 0);
    assert_eq!(
        read(&on_a_working_day, date(2026, 11, 23)).due_on,
        Some(date(2026, 11, 23))
    );
}

#[test]
fn corrections_stop_the_clock_and_it_restarts_the_next_day() {
    let mut limit = TimeLimit::new(date(2026, 2, 2), 20);
    limit
        .stops
        .push(corrections(date(2026, 2, 5), Some(date(2026, 2, 10))));
    // 5, 6, 9 and 10 February are not counted: four days later.
    assert_eq!(
        read(&limit, date(2026, 2, 2)).due_on,
        Some(date(2026, 3, 12))
    );
    let during = read(&limit, date(2026, 2, 9));
    assert!(during.suspended);
    assert_eq!(during.level, AlertLevel::None);
    assert_eq!(during.elapsed_days, 2);
    assert_eq!(read(&limit, date(2026, 2, 11)).elapsed_days, 2);
    assert_eq!(read(&limit, date(2026, 2, 12)).elapsed_days, 3);

    let same_day = TimeLimitSettings {
        restart_next_day: false,
        ..settings()
    };
    let reading = limit
        .read(&calendar(), date(2026, 2, 2), &same_day)
        .unwrap();
    assert_eq!(reading.due_on, Some(date(2026, 3, 11)));
}

#[test]
fn an_open_stop_freezes_the_clock_and_hides_the_due_date() {
    let mut limit = TimeLimit::new(date(2025, 9, 22), 5);
    limit.stops.push(Stop {
        kind: StopKind::SpecialProcedure,
        reason: "专家评审".into(),
        ..corrections(date(2025, 9, 24), None)
    });
    let reading = read(&limit, date(2025, 10, 20));
    assert!(reading.suspended);
    assert_eq!(reading.due_on, None);
    assert_eq!(reading.elapsed_days, 1, "only 23 September counted");
    assert_eq!(reading.remaining_days, 4);
    assert_eq!(reading.level, AlertLevel::None);
}

#[test]
fn stops_the_law_does_not_exclude_are_recorded_but_not_deducted() {
    let mut limit = TimeLimit::new(date(2026, 2, 2), 20);
    limit.stops.push(Stop {
        excluded_by_law: false,
        ..corrections(date(2026, 2, 5), Some(date(2026, 2, 10)))
    });
    assert_eq!(
        read(&limit, date(2026, 2, 2)).due_on,
        Some(date(2026, 3, 6))
    );
}

#[test]
fn extensions_add_their_days_and_need_an_approver_and_reason() {
    let s = settings();
    let on = date(2026, 2, 27);
    let mut limit = TimeLimit::new(date(2026, 2, 2), 20);
    limit
        .extensions
        .push(Extension::statutory(&s, false, "王局长", "需现场核查", on).unwrap());
    assert_eq!(limit.extensions[0].days, 10);
    assert_eq!(read(&limit, on).due_on, Some(date(2026, 3, 20)));
    assert_eq!(
        Extension::statutory(&s, true, "王局长", "联合办理", on)
            .unwrap()
            .days,
        15
    );
    assert_eq!(
        Extension::statutory(&s, false, " ", "理由", on)
            .unwrap_err()
            .field,
        "approver"
    );
    assert_eq!(
        Extension::statutory(&s, false, "王局长", "", on)
            .unwrap_err()
            .field,
        "reason"
    );
}

#[test]
fn closing_ends_the_clock_and_a_late_close_is_over() {
    let mut limit = TimeLimit::new(date(2026, 2, 2), 20);
    limit.closed_on = Some(date(2026, 3, 4));
    let later = read(&limit, date(2026, 5, 1));
    assert!(later.closed);
    assert_eq!(later.level, AlertLevel::None);
    assert_eq!(later.elapsed_days, 18);
    assert!(
        !limit
            .is_over(&calendar(), date(2026, 5, 1), &settings())
            .unwrap()
    );
    limit.closed_on = Some(date(2026, 3, 10));
    assert!(
        limit
            .is_over(&calendar(), date(2026, 5, 1), &settings())
            .unwrap()
    );
}

#[test]
fn a_step_over_its_own_limit_is_flagged_while_the_case_is_on_time() {
    let case = TimeLimit::new(date(2026, 2, 2), 20);
    let review_step = TimeLimit::new(date(2026, 2, 2), 3);
    let day = date(2026, 2, 6);
    assert!(review_step.is_over(&calendar(), day, &settings()).unwrap());
    assert!(!case.is_over(&calendar(), day, &settings()).unwrap());
}

#[test]
fn a_limit_reaching_into_an_unloaded_year_is_refused() {
    let limit = TimeLimit::new(date(2026, 12, 21), 20);
    assert_eq!(
        limit.read(&calendar(), date(2026, 12, 22), &settings()),
        Err(CalendarError::YearNotLoaded { year: 2027 })
    );
}

#[test]
fn days_are_counted_in_the_configured_time_zone() {
    let instant: jiff::Timestamp = "2026-02-01T16:30:00Z".parse().unwrap();
    let beijing = TimeZone::fixed(jiff::tz::offset(8));
    assert_eq!(local_date(instant, &beijing), date(2026, 2, 2));
    assert_eq!(local_date(instant, &TimeZone::UTC), date(2026, 2, 1));
}

#[test]
fn level_dates_follow_the_2026_spring_festival() {
    // 20 days from Monday 2 February 2026: due Friday 6 March (see above).
    let clock = TimeLimit::new(date(2026, 2, 2), 20);
    let dates = clock
        .level_dates(&calendar(), &settings())
        .unwrap()
        .unwrap();
    // 预警 with 5 left: from the day after the 15th counted day, the make-up Saturday
    // 28 February.
    assert_eq!(dates.warning_on, date(2026, 3, 1));
    assert_eq!(dates.yellow_on, date(2026, 3, 6));
    assert_eq!(dates.red_on, date(2026, 3, 7));
    let mut stopped = clock.clone();
    stopped.stops.push(corrections(date(2026, 2, 5), None));
    assert_eq!(
        stopped.level_dates(&calendar(), &settings()).unwrap(),
        None,
        "a stopped clock does not rise"
    );
    let mut closed = clock;
    closed.closed_on = Some(date(2026, 2, 20));
    assert_eq!(closed.level_dates(&calendar(), &settings()).unwrap(), None);
}

#[test]
fn alert_thresholds_are_settings() {
    let strict = TimeLimitSettings {
        warning_within_days: 10,
        yellow_within_days: 3,
        ..settings()
    };
    assert_eq!(AlertLevel::for_remaining(8, &strict), AlertLevel::Warning);
    assert_eq!(AlertLevel::for_remaining(3, &strict), AlertLevel::Yellow);
    assert_eq!(AlertLevel::for_remaining(8, &settings()), AlertLevel::None);
    assert_eq!(AlertLevel::for_remaining(0, &settings()), AlertLevel::Red);
}

fn day_in_2025(offset: i64) -> Date {
    date(2025, 1, 1)
        .checked_add(jiff::Span::new().days(offset))
        .unwrap()
}

proptest! {
    #[test]
    fn suspension_never_shortens_the_remaining_time(
        start in 0i64..300, limit in 1u32..40, from in 0i64..40, length in 0i64..25,
        probe in 0i64..120, open in any::<bool>(),
    ) {
        let plain = TimeLimit::new(day_in_2025(start), limit);
        let mut stopped = plain.clone();
        let end = day_in_2025(start + from + length);
        stopped.stops.push(corrections(day_in_2025(start + from), (!open).then_some(end)));
        let day = day_in_2025(start + probe);
        let c = calendar();
        let s = settings();
        let (a, b) = (plain.read(&c, day, &s).unwrap(), stopped.read(&c, day, &s).unwrap());
        prop_assert!(b.remaining_days >= a.remaining_days);
        prop_assert!(b.elapsed_days <= a.elapsed_days);
        if let (Some(x), Some(y)) = (a.due_on, b.due_on) {
            prop_assert!(y >= x);
        }
    }

    #[test]
    fn due_dates_grow_with_limits_and_extensions(start in 0i64..300, limit in 0u32..40, extra in 1u32..20) {
        let c = calendar();
        let s = settings();
        let day = day_in_2025(start);
        let shorter = TimeLimit::new(day, limit).read(&c, day, &s).unwrap().due_on.unwrap();
        let mut extended = TimeLimit::new(day, limit);
        extended.extensions.push(Extension { days: extra, approver: "局长".into(), reason: "延期".into(), granted_on: day });
        let longer = extended.read(&c, day, &s).unwrap().due_on.unwrap();
        prop_assert!(longer > shorter);
        let later_start = TimeLimit::new(day.tomorrow().unwrap(), limit).read(&c, day, &s).unwrap().due_on.unwrap();
        prop_assert!(later_start >= shorter);
    }

    #[test]
    fn on_the_due_date_one_day_remains(
        start in 0i64..300, limit in 0u32..40, from in 0i64..30, length in 0i64..15,
    ) {
        let c = calendar();
        let s = settings();
        let mut clock = TimeLimit::new(day_in_2025(start), limit);
        let from = day_in_2025(start + from);
        clock.stops.push(corrections(from, Some(day_in_2025(start).max(from).checked_add(jiff::Span::new().days(length)).unwrap())));
        let due = clock.read(&c, day_in_2025(start), &s).unwrap().due_on.unwrap();
        prop_assert_eq!(clock.read(&c, due, &s).unwrap().remaining_days, 1);
        prop_assert!(c.is_workday(due).unwrap());
        let after = due.tomorrow().unwrap();
        prop_assert_eq!(clock.read(&c, after, &s).unwrap().remaining_days, 0);
    }

    /// The indexed level dates agree with reading the clock on every day around them.
    #[test]
    fn level_dates_agree_with_readings(
        start in 0i64..300,
        limit in 0u32..30,
        stop_at in 0i64..20,
        stop_len in 0i64..10,
        extended in proptest::bool::ANY,
    ) {
        let started_on = day_in_2025(start);
        let mut clock = TimeLimit::new(started_on, limit);
        if stop_len > 0 {
            let from = day_in_2025(start + stop_at);
            clock.stops.push(corrections(from, Some(day_in_2025(start + stop_at + stop_len))));
        }
        if extended {
            clock.extensions.push(Extension {
                days: 10,
                approver: "局长".into(),
                reason: "现场核查".into(),
                granted_on: started_on,
            });
        }
        let calendar = calendar();
        let dates = clock.level_dates(&calendar, &settings()).unwrap().unwrap();
        prop_assert!(dates.warning_on <= dates.yellow_on && dates.yellow_on <= dates.red_on);
        for offset in 0..90 {
            let day = day_in_2025(start + offset);
            let reading = clock.read(&calendar, day, &settings()).unwrap();
            if !reading.suspended {
                prop_assert_eq!(dates.level_on(day), reading.level, "{}", day);
                // The clock does not count its first day, nor (by default) the day it restarts
                // after a stop; once past those it says the same.
                let settled = clock
                    .stops
                    .iter()
                    .filter_map(|s| s.ended_on)
                    .max()
                    .unwrap_or(started_on);
                if day > started_on && day > settled {
                    prop_assert_eq!(
                        dates.remaining_on(day, &calendar).unwrap(),
                        reading.remaining_days.max(0),
                        "{}",
                        day
                    );
                }
            }
        }
    }

    #[test]
    fn elapsed_never_goes_back(start in 0i64..300, limit in 1u32..40, a in 0i64..80, b in 0i64..80) {
        let c = calendar();
        let s = settings();
        let clock = TimeLimit::new(day_in_2025(start), limit);
        let (a, b) = (a.min(b), a.max(b));
        prop_assert!(
            clock.read(&c, day_in_2025(start + a), &s).unwrap().elapsed_days
                <= clock.read(&c, day_in_2025(start + b), &s).unwrap().elapsed_days
        );
    }
}

#[test]
fn a_deadline_or_promise_on_a_rest_day_runs_to_the_next_working_day() {
    let calendar = calendar();
    // Corrections due Saturday 7 March 2026: the last day is Monday 9 March.
    let deadline = LevelDates::past(date(2026, 3, 7), &calendar).unwrap();
    assert_eq!(deadline.level_on(date(2026, 3, 9)), AlertLevel::None);
    assert_eq!(deadline.red_on, date(2026, 3, 10));
    // Accepted Friday 6 March, materials promised for Sunday 8 March: due Monday 9 March.
    let promised = |from: Date, to: Date| {
        LevelDates::until(from, to, &calendar, &TimeLimitSettings::default())
            .unwrap()
            .unwrap()
    };
    let promise = promised(date(2026, 3, 6), date(2026, 3, 8));
    assert_eq!(promise.due_on(), date(2026, 3, 9));
    assert_eq!(promise.red_on, date(2026, 3, 10));
    // Over the Spring Festival holiday (15–23 February 2026) a promise for the 17th runs to
    // Tuesday the 24th.
    let festival = promised(date(2026, 2, 13), date(2026, 2, 17));
    assert_eq!(festival.due_on(), date(2026, 2, 24));
}
