//! Raw command-line flags, as clap parses them. Nothing here is validated
//! beyond what clap checks; `settings` turns these into checked settings.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const ABOUT: &str = "plenum: an open scenario engine for an economy under policy choice, \
on multi-regional input-output (MRIO) data.";

const EXAMPLES: &str = "\
Examples:
  plenum run                                   # the shipped scenarios on the embedded default table
  plenum run scenarios/controls-escalate.toml  # named scenarios; outputs under out/
  plenum compare baseline-2024 plenum-package  # two scenarios side by side
  plenum table info                            # what the embedded default table holds
  plenum table info ../shared/data/wiod-2013-wiot2011
  plenum table build --out world2022.plenum    # the 2022 world table from OECD national tables
  plenum analyze --out out/analyze             # multipliers, footprints, linkages as tidy CSV
  plenum analyze self-reliance --region CHN    # foreign value added, dependence on the chip coalition
  plenum chokepoints --region CHN --top 20     # foreign suppliers ranked three ways
  plenum simulate --shocks examples/shocks/chip-controls.toml --steps 8
  plenum serve                                 # the web app: open http://127.0.0.1:8080/
";

#[derive(Debug, Parser)]
#[command(name = "plenum", version, about = ABOUT, after_help = EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the main job on the embedded default table (see `plenum run --help`).
    Run(RunArgs),
    /// Run scenarios and compare them side by side (see `plenum compare --help`).
    Compare(CompareArgs),
    /// Inspect, convert and aggregate input-output tables.
    #[command(subcommand)]
    Table(TableCommand),
    /// Static input-output analysis: multipliers, footprints, linkages, trade.
    Analyze(AnalyzeArgs),
    /// Chokepoints: the foreign suppliers a region depends on, ranked by exposure,
    /// bottleneck loss and hypothetical extraction.
    Chokepoints(crate::cmd::gvc::ChokepointsArgs),
    /// The dynamic engine: BoARIO-exact ARIO runs and the export-control mechanisms.
    Simulate(crate::cmd::simulate::SimulateArgs),
    /// The web app and JSON API over the run registry (see `plenum serve --help`).
    Serve(ServeArgs),
    /// The run registry of `plenum serve`: list, show, export and remove runs.
    #[command(subcommand)]
    Runs(RunsCommand),
}

/// Where a table comes from: a path (with its format) or the embedded default.
#[derive(Debug, Args, Clone)]
pub struct TableArg {
    /// Table to read: a file or folder. Without it, the embedded default table.
    #[arg(value_name = "TABLE")]
    pub table: Option<PathBuf>,
    /// Format of TABLE; `auto` recognises it from its name and contents.
    #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
    pub format: InputFormat,
    /// Treat zero-output industries as absent (their A columns become 0)
    /// instead of rejecting the table.
    #[arg(long)]
    pub allow_zero_output: bool,
    /// Relative tolerance of the row and column balance checks
    /// (default: the reader's own, suited to how the source is rounded).
    #[arg(long, value_name = "RTOL")]
    pub balance_rtol: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    Auto,
    /// plenum's native binary format (.plenum).
    Native,
    /// A folder written by pymrio's save_all (txt).
    Pymrio,
    /// The WIOD 2013-release world table (folder of CSVs).
    Wiod,
    /// An OECD national input-output table (TTL layout), as a single region.
    OecdNiot,
    /// The official OECD ICIO CSV (2021 or 2023 layout).
    OecdIcio,
    /// A China NBS table with domestic and imported rows apart.
    Nbs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// plenum's native binary format (.plenum).
    Native,
    /// A pymrio folder (txt), which `pymrio.load_all` reads.
    Pymrio,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TidyFormat {
    Csv,
    Parquet,
    Both,
}

#[derive(Debug, Subcommand)]
pub enum TableCommand {
    /// Labels, size, metadata, balances and productivity of a table.
    #[command(
        after_help = "Examples:\n  plenum table info\n  plenum table info ../shared/data/oecd-niot-2022/CHN2022ttl.csv"
    )]
    Info(TableArg),
    /// Convert a table to plenum's native format or a pymrio folder.
    #[command(
        after_help = "Examples:\n  plenum table convert ../shared/data/wiod-2013-wiot2011 --to native --out wiod2011.plenum\n  plenum table convert --to pymrio --out default-pymrio/"
    )]
    Convert {
        #[command(flatten)]
        input: TableArg,
        #[arg(long, value_enum, default_value_t = OutputFormat::Native)]
        to: OutputFormat,
        /// Output file (native) or folder (pymrio).
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
    },
    /// Aggregate regions and/or sectors by concordance CSV files (source,group).
    #[command(
        after_help = "Examples:\n  plenum table aggregate ../shared/data/wiod-2013-wiot2011 \\\n      --regions data/concordances-wiod/regions-10.csv \\\n      --sectors data/concordances-wiod/sectors-20.csv --out wiod-10x20.plenum"
    )]
    Aggregate {
        #[command(flatten)]
        input: TableArg,
        /// Region concordance: CSV with header `source,group`, one row per source region.
        #[arg(long, value_name = "CSV")]
        regions: Option<PathBuf>,
        /// Sector concordance: CSV with header `source,group`, one row per source sector.
        #[arg(long, value_name = "CSV")]
        sectors: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = OutputFormat::Native)]
        to: OutputFormat,
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
        /// Name recorded in the output's metadata.
        #[arg(long)]
        name: Option<String>,
    },
    /// Build the 2022 world table (80 economies + rest of world × 50 industries) from the
    /// OECD national tables by import proportionality, a trade prior and GRAS balancing.
    #[command(
        after_help = "Examples:\n  plenum table build --out world2022.plenum\n  plenum table build --default --out data/default/default.plenum   # the embedded default\n  plenum table build --prior market-share --to pymrio --out world2022-pymrio/\n\nThe method and its limits: docs/world-table.md."
    )]
    Build(BuildArgs),
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Folder holding oecd-niot-2022/ (and wiod-2013-wiot2011/ for the wiod-gravity prior).
    #[arg(long, value_name = "DIR", default_value = "../shared/data")]
    pub data: PathBuf,
    /// Prior for bilateral trade shares.
    #[arg(long, value_enum, default_value_t = PriorArg::WiodGravity)]
    pub prior: PriorArg,
    /// Aggregate to plenum's default 10 regions × 24 sectors (data/concordances/).
    #[arg(long)]
    pub default: bool,
    #[arg(long, value_enum, default_value_t = OutputFormat::Native)]
    pub to: OutputFormat,
    /// Output file (native) or folder (pymrio).
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PriorArg {
    /// Exporters' world market shares (needs nothing else).
    MarketShare,
    /// Market shares × distance⁻¹.
    Gravity,
    /// WIOD 2011 bilateral intensities mapped to ISIC Rev.4, gravity where WIOD lacks an economy.
    WiodGravity,
}

#[derive(Debug, Args)]
#[command(
    args_conflicts_with_subcommands = true,
    after_help = "Examples:\n  plenum analyze\n  plenum analyze ../shared/data/wiod-2013-wiot2011 --out out/wiod --tidy parquet\n  plenum analyze self-reliance --region CHN --sector C26\n  plenum analyze decompose --method kww --level country"
)]
pub struct AnalyzeArgs {
    /// GVC measures (issue 4); without one, the static accounts above.
    #[command(subcommand)]
    pub subcommand: Option<crate::cmd::gvc::AnalyzeCommand>,
    #[command(flatten)]
    pub input: TableArg,
    /// Folder for tidy outputs (region, sector, variable, value).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = TidyFormat::Csv)]
    pub tidy: TidyFormat,
    /// How many rows the readable summary shows per measure.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario files (TOML, schema 1) or shipped scenario names. Without
    /// any, the shipped scenarios (baseline-2024 and seven others).
    #[arg(value_name = "SCENARIO")]
    pub scenarios: Vec<PathBuf>,
    /// Folder for all outputs.
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  plenum compare baseline-2024 controls-escalate\n  plenum compare scenarios/baseline-2024.toml my-scenario.toml --out out/compare"
)]
pub struct CompareArgs {
    /// Two or more scenario files or shipped scenario names; the first is
    /// the reference.
    #[arg(value_name = "SCENARIO", num_args = 2.., required = true)]
    pub scenarios: Vec<PathBuf>,
    /// Folder for all outputs.
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
}

// ---- plenum serve and plenum runs (crate plenum-web) ----

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  plenum serve                                   # http://127.0.0.1:8080/, runs under plenum-data/\n  plenum serve --addr 127.0.0.1:9000 --data-dir /srv/plenum\n  plenum serve --addr 0.0.0.0:8080 --token \"$PLENUM_TOKEN\"   # beyond loopback a token is required\n\nThe API is described at /api/openapi.json and in docs/api.md."
)]
pub struct ServeArgs {
    /// Address to listen on. Anything but loopback needs --token.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// Folder of the run registry (registry.sqlite) and the runs' result files.
    #[arg(long, value_name = "DIR", default_value = "plenum-data")]
    pub data_dir: PathBuf,
    /// Bearer token every API call must send (at least 16 characters); default: $PLENUM_TOKEN.
    #[arg(long)]
    pub token: Option<String>,
    /// Runs that may wait in the queue; beyond it the API answers 429.
    #[arg(long, default_value_t = 16)]
    pub queue: usize,
    /// Runs computed at the same time.
    #[arg(long, default_value_t = 2)]
    pub workers: usize,
    /// Largest request body in bytes.
    #[arg(long, default_value_t = 262_144)]
    pub max_body: usize,
    /// Seconds a run may take before it is marked failed.
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    pub run_timeout: u64,
    /// Latest last quarter a submitted scenario may ask for.
    #[arg(long, value_name = "QUARTER", default_value = "2035Q4")]
    pub max_end: String,
}

#[derive(Debug, Subcommand)]
pub enum RunsCommand {
    /// The runs, newest first.
    #[command(
        after_help = "Examples:\n  plenum runs list\n  plenum runs list --data-dir /srv/plenum --limit 10"
    )]
    List {
        #[arg(long, value_name = "DIR", default_value = "plenum-data")]
        data_dir: PathBuf,
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// One run: status, inputs and its comparison table.
    #[command(after_help = "Examples:\n  plenum runs show 3fa2c1")]
    Show {
        /// Run id or a unique prefix of it.
        id: String,
        #[arg(long, value_name = "DIR", default_value = "plenum-data")]
        data_dir: PathBuf,
    },
    /// Copies a done run's files (results.csv, results.parquet, report.html, manifest.json, ...) to a folder.
    #[command(after_help = "Examples:\n  plenum runs export 3fa2c1 --out out/run")]
    Export {
        id: String,
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        #[arg(long, value_name = "DIR", default_value = "plenum-data")]
        data_dir: PathBuf,
    },
    /// Removes runs and their files.
    #[command(after_help = "Examples:\n  plenum runs rm 3fa2c1 77be01")]
    Rm {
        #[arg(required = true)]
        ids: Vec<String>,
        #[arg(long, value_name = "DIR", default_value = "plenum-data")]
        data_dir: PathBuf,
    },
}
