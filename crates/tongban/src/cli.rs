//! The command line: every command that touches data takes `--db URL`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "tongban",
    version,
    about = "通办 Tongban: integrated government services platform"
)]
pub struct Cli {
    /// configuration file (TOML); default: ./tongban.toml when it exists
    #[arg(long, global = true, env = "TONGBAN_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Args, Default)]
pub struct DbArg {
    /// database URL: sqlite://PATH or postgres://USER@HOST/DB (env TONGBAN_DB)
    #[arg(long)]
    pub db: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (portal, staff pages, API)
    Serve {
        /// address to listen on, e.g. 127.0.0.1:8080
        #[arg(long)]
        listen: Option<String>,
        /// fill an empty database with the demo city and demo accounts; binds to 127.0.0.1 only
        #[arg(long)]
        demo: bool,
        #[command(flatten)]
        db: DbArg,
    },
    /// Apply database migrations and exit
    Migrate {
        #[command(flatten)]
        db: DbArg,
    },
    /// Load the demo city into an empty database and exit
    Demo {
        #[command(flatten)]
        db: DbArg,
    },
    /// Item codes (GB/T 39554.1)
    Code {
        #[command(subcommand)]
        command: CodeCommand,
    },
    /// Check a resident id (GB 11643) or a USCC (GB 32100); exit 1 with the reason when invalid
    Validate {
        #[command(subcommand)]
        what: ValidateCommand,
    },
    /// The working-day calendar (工作日): statutory holidays and make-up days 2019–2026
    Calendar {
        #[command(subcommand)]
        command: CalendarCommand,
    },
    /// The service catalog (事项清单)
    Catalog {
        #[command(subcommand)]
        command: CatalogCommand,
    },
    /// Service guides (办事指南)
    Guide {
        #[command(subcommand)]
        command: GuideCommand,
    },
    /// Cases (办件)
    Case {
        #[command(subcommand)]
        command: CaseCommand,
    },
    /// The audit log
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Accounts
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// The data key that seals personal data
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Find services the way people ask (事项搜索); `search eval`, `search reindex`
    Search(SearchArgs),
    /// Print the OpenAPI document
    Openapi,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct SearchArgs {
    #[command(subcommand)]
    pub command: Option<SearchCommand>,
    /// what to search for: words, a question, pinyin, initials or a code
    #[arg(required = true)]
    pub query: Option<String>,
    /// at most this many results
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// print a JSON list of {name, implementation_code, basic_code, department, score}
    #[arg(long)]
    pub json: bool,
    /// the asker's region (12-digit code): its implementations first
    #[arg(long)]
    pub near: Option<String>,
    #[command(flatten)]
    pub db: DbArg,
}

#[derive(Debug, Subcommand)]
pub enum SearchCommand {
    /// Score search on a TSV of queries (id, kind, query, gold): top-1, top-3, MRR
    Eval {
        file: PathBuf,
        /// print {"overall": {...}, "by_kind": {...}} as JSON
        #[arg(long)]
        json: bool,
        /// score plain substring matching on item names instead (the baseline)
        #[arg(long)]
        baseline: bool,
        #[command(flatten)]
        db: DbArg,
    },
    /// Build the index from the store now, and have every running server build it again
    Reindex {
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create the key file with a fresh key (refuses to overwrite one)
    Generate,
    /// Put a fresh key first in the key file; the old keys stay after it, retired, so what
    /// they sealed still opens. Restart every server afterwards.
    Rotate,
}

#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// Rebuild every case's derived rows (state, inbox, supervision watches) from its events,
    /// e.g. after an upgrade that derives something new; the history is not touched
    Rebuild {
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(Debug, Subcommand)]
pub enum CodeCommand {
    /// Print the parts of a basic, implementation or handling-item code as JSON
    Parse { code: String },
}

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// Print `true` if DATE (YYYY-MM-DD) is a working day, else `false`
    IsWorkday {
        date: String,
        #[command(flatten)]
        db: DbArg,
    },
    /// Print the date of the N-th working day after DATE (N = 0: DATE if a working day, else the next)
    AddWorkdays {
        date: String,
        n: u32,
        #[command(flatten)]
        db: DbArg,
    },
    /// Print the number of working days in [FROM, TO) (negative when TO is before FROM)
    WorkdaysBetween {
        from: String,
        to: String,
        #[command(flatten)]
        db: DbArg,
    },
    /// Add or replace a year's holiday notice (JSON: {"year", "papers", "days": [{"name", "date", "isOffDay"}]})
    Import {
        file: PathBuf,
        #[command(flatten)]
        db: DbArg,
    },
    /// List the loaded years and where each notice came from
    Years {
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(Debug, Subcommand)]
pub enum ValidateCommand {
    /// resident identity card number
    Id { value: String },
    /// unified social credit code
    Uscc { value: String },
}

#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// Import a catalog file (CSV or XLSX) as one published change set
    Import {
        file: PathBuf,
        /// print one JSON object instead of a report
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        db: DbArg,
    },
    /// Export the current catalog to CSV or XLSX (by the file's extension)
    Export {
        file: PathBuf,
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(Debug, Subcommand)]
pub enum GuideCommand {
    /// Check guides against the rules; exit 1 when any error is found
    Lint {
        /// the implementation whose published guide to check
        implementation: Option<String>,
        /// check every published guide
        #[arg(long, conflicts_with_all = ["implementation", "file"])]
        all: bool,
        /// check a guide file in the exchange format instead
        #[arg(long, conflicts_with = "implementation")]
        file: Option<PathBuf>,
        /// print a JSON list of findings
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        db: DbArg,
    },
    /// Print an implementation's published guide in the exchange format (JSON)
    Export {
        implementation: String,
        #[command(flatten)]
        db: DbArg,
    },
    /// Load a guide file (exchange format, with implementation_code) as the implementation's draft
    Import {
        file: PathBuf,
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the hash chain; exit 1 naming the first broken link
    Verify {
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account; the password is read from TONGBAN_PASSWORD or the first line of stdin
    Add {
        username: String,
        /// display name
        #[arg(long)]
        name: String,
        /// role(s): admin, reform_office, window_clerk, department_reviewer, department_approver,
        /// department_head, hall_manager, hotline_agent, supervisor, citizen, enterprise
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// department id for department staff
        #[arg(long)]
        department: Option<i64>,
        /// where email reaches them (supervision digests go there when SMTP is configured)
        #[arg(long)]
        email: Option<String>,
        #[command(flatten)]
        db: DbArg,
    },
    /// Grant a role to an account (written to the audit log)
    Grant {
        username: String,
        role: String,
        #[command(flatten)]
        db: DbArg,
    },
    /// Withdraw a role from an account (written to the audit log)
    Revoke {
        username: String,
        role: String,
        #[command(flatten)]
        db: DbArg,
    },
}
