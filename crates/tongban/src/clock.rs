//! The system clock: the only place that reads the time of day (clippy.toml bans it elsewhere).

use jiff::Timestamp;
use tongban_domain::clock::Clock;

pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)]
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}
