//! Working-day arithmetic speed on one core: `add_workdays`, `workdays_between` and
//! `is_workday` over pseudo-random dates in 2019–2026 (issue target: ≥ 10 million
//! additions per second).
//!
//! Run: `cargo bench -p tongban-domain --bench calendar`

use std::hint::black_box;
use std::time::Instant;

use jiff::civil::{Date, date};
use tongban_domain::calendar::Calendar;

const CALLS: usize = 20_000_000;

fn main() {
    let calendar = Calendar::built_in();
    // A fixed pseudo-random sequence of dates and limits, made before timing.
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let first = date(2019, 1, 1);
    let dates: Vec<Date> = (0..4096)
        .map(|_| {
            first
                .checked_add(jiff::Span::new().days((next() % (7 * 365)) as i64))
                .expect("date")
        })
        .collect();
    let limits: Vec<u32> = (0..4096).map(|_| (next() % 60) as u32).collect();

    let started = Instant::now();
    let mut sink = 0i64;
    for i in 0..CALLS {
        let due = calendar
            .add_workdays(dates[i & 4095], limits[(i >> 12) & 4095])
            .expect("covered");
        sink += i64::from(due.day());
    }
    report("add_workdays", started, sink);

    let started = Instant::now();
    let mut sink = 0i64;
    for i in 0..CALLS {
        sink += calendar
            .workdays_between(dates[i & 4095], dates[(i >> 12) & 4095])
            .expect("covered");
    }
    report("workdays_between", started, sink);

    let started = Instant::now();
    let mut sink = 0i64;
    for i in 0..CALLS {
        sink += i64::from(calendar.is_workday(dates[i & 4095]).expect("covered"));
    }
    report("is_workday", started, sink);

    let started = Instant::now();
    black_box(Calendar::built_in());
    println!(
        "building the 2019–2026 calendar: {:.2} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
}

fn report(what: &str, started: Instant, sink: i64) {
    let seconds = started.elapsed().as_secs_f64();
    black_box(sink);
    println!(
        "{what:18} {CALLS} calls  {seconds:6.3} s  {:>6.1} million/s",
        CALLS as f64 / seconds / 1e6
    );
}
