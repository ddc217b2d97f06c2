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
  plenum backtest --cutoff 2023Q2              # calibrate to a cut-off, score the projection
  plenum table info                            # what the embedded default table holds
  plenum table info ../shared/data/wiod-2013-wiot2011
  plenum table build --out world2022.plenum    # the 2022 world table from OECD national tables
  plenum analyze --out out/analyze             # multipliers, footprints, linkages as tidy CSV
  plenum analyze self-reliance --region CHN    # foreign value added, dependence on the chip coalition
  plenum chokepoints --region CHN --top 20     # foreign suppliers ranked three ways
  plenum chokepoints --by technology --top 15  # China's chokepoints by technology (chips, tools)
  plenum simulate --shocks examples/shocks/chip-controls.toml --steps 8
  plenum serve                                 # the web app: open http://127.0.0.1:8080/

Exit codes: 0 success (also when standard output is closed early, e.g. `| head`); 1 the run
failed; 2 bad command line; 65 an input file was rejected; 66 an input does not exist;
74 reading or writing failed.
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
    /// Backtest: calibrate on China's history up to a cut-off quarter, project
    /// the quarters after it and score the errors (see `plenum backtest --help`).
    Backtest(BacktestArgs),
    /// Inspect, convert and aggregate input-output tables.
    #[command(subcommand)]
    Table(TableCommand),
    /// Static input-output analysis: multipliers, footprints, linkages, trade.
    Analyze(AnalyzeArgs),
    /// Chokepoints: the foreign suppliers a region depends on, ranked by exposure,
    /// bottleneck loss and hypothetical extraction.
    Chokepoints(ChokepointsArgs),
    /// The dynamic engine: BoARIO-exact ARIO runs and the export-control mechanisms.
    Simulate(SimulateArgs),
    /// Sharded sweeps over scenarios, parameters and seeds, for Slurm arrays
    /// and Kubernetes Indexed Jobs (see `plenum sweep --help`).
    #[command(subcommand)]
    Sweep(SweepCommand),
    /// Global sensitivity: Morris screening and Sobol' indices of named outputs.
    Sensitivity(SensitivityArgs),
    /// Policy search: the Pareto front of a package of instruments (NSGA-II).
    #[command(alias = "optimize")]
    Optimise(OptimiseArgs),
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
    /// instead of rejecting the table. The readers of published tables
    /// (native, pymrio, WIOD, OECD) already do so by default, as those
    /// tables hold industries a country lacks, and list them in the
    /// validation report; the NBS reader rejects them without this flag. A
    /// table whose every industry has zero output is always rejected.
    #[arg(long)]
    pub allow_zero_output: bool,
    /// Relative tolerance of the row and column balance checks
    /// (default: the reader's own, suited to how the source is rounded).
    #[arg(long, value_name = "RTOL")]
    pub balance_rtol: Option<f64>,
    /// How Z is held in memory: `sparse` in compressed sparse rows, filled
    /// straight from the file (no dense n × n copy); `dense` as an n × n
    /// matrix; `auto` sparse when at most 15 % of Z's cells are nonzero
    /// (the measured threshold, BENCHMARKS.md), dense otherwise. pymrio
    /// folders only; other formats are read dense.
    #[arg(long, value_enum, default_value_t = StorageArg::Auto)]
    pub storage: StorageArg,
}

/// `--storage`: plenum-formats' [`plenum_formats::Storage`], by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StorageArg {
    Auto,
    Dense,
    Sparse,
}

impl From<StorageArg> for plenum_formats::Storage {
    fn from(s: StorageArg) -> Self {
        match s {
            StorageArg::Auto => plenum_formats::Storage::Auto,
            StorageArg::Dense => plenum_formats::Storage::Dense,
            StorageArg::Sparse => plenum_formats::Storage::Sparse,
        }
    }
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
    pub subcommand: Option<AnalyzeCommand>,
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
    /// How products with L = (I - A)^-1 are computed: `auto` factors I - A (LU) below
    /// 1,500 industries or with more than n/25 right-hand sides, and otherwise iterates
    /// (block GMRES on Z, no L); solver.json beside the manifest records the method, the
    /// sweeps and the residual reached.
    #[arg(long, value_enum, default_value_t = SolverArg::Auto)]
    pub solver: SolverArg,
    /// Target relative residual of the iterative solves, ||b - (I - A)x|| / ||b||.
    #[arg(long, value_name = "RTOL", default_value_t = 1e-12)]
    pub rtol: f64,
    /// Also write the Leontief inverse L as pymrio text (L.txt, n x n). Forming L needs the
    /// LU factorisation of I - A (about n^3 flops and 8 n^2 bytes), whatever --solver says.
    #[arg(long = "write-L")]
    pub write_l: bool,
    #[command(flatten)]
    pub memory: MemoryArg,
}

/// `--max-memory-gb` of the commands that hold n x n matrices beside the table.
#[derive(Debug, Clone, Copy, Args)]
pub struct MemoryArg {
    /// Refuse before the work starts if its estimated peak memory passes this many GB: the
    /// message gives the estimate and the fixes (measured per command: BENCHMARKS.md, "Memory
    /// bounds").
    #[arg(long, value_name = "GB", default_value_t = 8.0)]
    pub max_memory_gb: f64,
}

/// `--solver` of `plenum analyze`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SolverArg {
    /// LU below 1,500 industries or with more than n/25 right-hand sides, else iterative.
    Auto,
    /// Always the LU factorisation of I - A.
    Lu,
    /// Always block GMRES (falls back to LU if it does not converge).
    Iterative,
    /// LU of I - A in single precision, each solve refined in double precision to --rtol (opt-in;
    /// no faster than lu at n = 5,000, 9 % less memory)
    /// (falls back to the double-precision LU if the refinement stalls).
    MixedLu,
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
    /// Monte Carlo: run N draws of the uncertain parameters (each
    /// re-calibrated) and add quantiles 5/25/50/75/95% and fan charts.
    /// Without SCENARIO arguments: baseline-2024 and plenum-package.
    #[arg(long, value_name = "N")]
    pub draws: Option<usize>,
    /// Seed of the draws (recorded in the manifest).
    #[arg(long, value_name = "S", default_value_t = 2024)]
    pub seed: u64,
    /// A TOML file whose [distributions] table overrides parameters'
    /// distributions (see docs/uncertainty.md).
    #[arg(long, value_name = "FILE")]
    pub dists: Option<PathBuf>,
}

/// A quarter such as 2023Q2 (checked here; the command parses it again).
fn quarter(s: &str) -> Result<String, String> {
    plenum_scenario::Quarter::parse(s, false)
        .map(|q| q.to_string())
        .ok_or_else(|| format!("\"{s}\" is not a quarter; write e.g. 2023Q2"))
}

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  plenum backtest --cutoff 2023Q2                     # calibrate on 2023Q1-Q2, score 2023Q3-2024Q2
  plenum backtest --cutoff 2023Q2 --cutoff 2023Q4     # two cut-offs side by side
  plenum backtest property-deepens --cutoff 2023Q3    # another scenario's inputs
  plenum backtest --cutoff 2023Q2 --history my-history.csv --out out/bt

Writes backtest.csv (tidy: quarter, cutoff, sample, region, variable, statistic, value),
backtest.html (charts and tables, offline) and manifest.json under --out. The history file
has the header `quarter,variable,value,unit,source` (see data/history/README.md).")]
pub struct BacktestArgs {
    /// The scenario whose inputs the projection keeps: a file or a shipped
    /// name (default: baseline-2024).
    #[arg(value_name = "SCENARIO")]
    pub scenario: Option<PathBuf>,
    /// Last quarter of the calibration sample (e.g. 2023Q2); repeat for
    /// several cut-offs. Calibration uses history from 2023Q1 to it.
    #[arg(long, value_name = "QUARTER", required = true, value_parser = quarter)]
    pub cutoff: Vec<String>,
    /// Quarterly history to score against (default: the embedded
    /// data/history/china-quarterly.csv, from the calibration file).
    #[arg(long, value_name = "FILE")]
    pub history: Option<PathBuf>,
    /// Folder for the outputs.
    #[arg(long, value_name = "DIR", default_value = "out/backtest")]
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

// ---- plenum sweep (cmd/sweep) ----

#[derive(Debug, Subcommand)]
#[command(
    after_help = "Examples:\n  plenum sweep plan examples/sweeps/quick.toml --out sweeps/quick\n  plenum sweep run sweeps/quick --shard 0\n  plenum sweep run sweeps/quick --all            # every shard, in this process\n  sbatch --array=0-7%4 deploy/slurm/sweep.sbatch sweeps/quick\n  plenum sweep status sweeps/quick\n  plenum sweep gather sweeps/quick\n\nThe spec's keys: examples/sweeps/quick.toml; clusters: deploy/README.md; sizing: docs/scale.md."
)]
pub enum SweepCommand {
    /// Expand a sweep spec into variants and shards, written to a sweep folder.
    Plan(SweepPlanArgs),
    /// Run one shard (index from --shard, SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX).
    Run(SweepRunArgs),
    /// Which shards are done, failed or missing.
    Status(SweepStatusArgs),
    /// Check every shard and write the results partitioned by scenario, summary
    /// quantiles and a report under DIR/gathered.
    Gather(SweepGatherArgs),
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  plenum sweep plan examples/sweeps/quick.toml --out sweeps/quick\n  plenum sweep plan examples/sweeps/cluster.toml --out /shared/sweeps/cluster"
)]
pub struct SweepPlanArgs {
    /// The sweep spec (TOML, schema 1).
    #[arg(value_name = "SPEC")]
    pub spec: PathBuf,
    /// The sweep folder to create (must not exist, or be empty); put it on a
    /// file system every node sees.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  plenum sweep run sweeps/quick --shard 3 --of 8\n  SLURM_ARRAY_TASK_ID=3 plenum sweep run sweeps/quick\n  plenum sweep run sweeps/quick --all\n\nA finished shard is skipped; a shard killed half-way runs again from the start."
)]
pub struct SweepRunArgs {
    /// The sweep folder made by `plenum sweep plan`.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Shard index K (0-based); default: $SLURM_ARRAY_TASK_ID, else $JOB_COMPLETION_INDEX.
    #[arg(long, value_name = "K", conflicts_with = "all")]
    pub shard: Option<u64>,
    /// The number of shards N, checked against the plan.
    #[arg(long, value_name = "N")]
    pub of: Option<u64>,
    /// Run every shard not yet done, in this process.
    #[arg(long)]
    pub all: bool,
    /// Worker threads (default: $SLURM_CPUS_PER_TASK, else every core).
    #[arg(long, value_name = "T")]
    pub threads: Option<usize>,
}

#[derive(Debug, Args)]
pub struct SweepStatusArgs {
    /// The sweep folder.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct SweepGatherArgs {
    /// The sweep folder; results go to DIR/gathered.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

// ---- The GVC commands (cli/gvc.rs).

mod gvc;
pub use gvc::*;

// ---- `simulate` and `simulate ario`.

const SIM_EXAMPLES: &str = "Examples:
  plenum simulate --shocks examples/shocks/chip-controls.toml --steps 8 --out out/sim
  plenum simulate ario --mrio crates/plenum-sim/tests/golden/test_mrio/mrio --event event.toml --steps 365 --out out/ario

The shocks file is documented in docs/engine.md (\"Mechanisms beyond ARIO\"); the event file of
`simulate ario` uses BoARIO's own argument names (docs/engine.md, \"The event file\").";

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, after_help = SIM_EXAMPLES)]
pub struct SimulateArgs {
    #[command(subcommand)]
    pub mode: Option<SimulateMode>,
    #[command(flatten)]
    pub input: TableArg,
    /// The shocks file (TOML): trade restrictions, critical inputs, capacity and demand paths, events.
    #[arg(long, value_name = "TOML")]
    pub shocks: Option<PathBuf>,
    #[command(flatten)]
    pub common: SimOutArgs,
}

/// The most steps a run may ask for: a million days is 2,700 years.
pub const MAX_STEPS: u64 = 1_000_000;

#[derive(Debug, Args, Clone)]
pub struct SimOutArgs {
    /// Number of steps to simulate, 1 to 1,000,000 (the step length is set
    /// in the shocks/event file).
    #[arg(long, default_value_t = 365, value_parser = clap::value_parser!(u64).range(1..=MAX_STEPS))]
    pub steps: u64,
    /// Folder for the tidy trajectories (step, region, sector, variable, value).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Format of the trajectory: `csv` (trajectory.csv), `parquet`
    /// (trajectory.parquet, about a third of the CSV's size) or `both`.
    #[arg(long, value_enum, default_value_t = TidyFormat::Csv)]
    pub tidy: TidyFormat,
    /// Also record inventories (inputs_stocks): S × n numbers per step, by
    /// far the largest part of the output (1.3 GB of CSV at n = 2,500 and
    /// S = 50 for 100 steps, against 40 MB without).
    #[arg(long)]
    pub stocks: bool,
    /// Inventories are no longer recorded by default (see --stocks); kept
    /// so that older scripts run.
    #[arg(long, hide = true, conflicts_with = "stocks")]
    pub no_stocks: bool,
    /// Largest estimated output to accept, in GB: a larger run is refused
    /// before it starts.
    #[arg(long, value_name = "GB", default_value_t = 10.0)]
    pub max_output_gb: f64,
    /// Largest estimated memory to accept, in GB: a larger run is refused
    /// before it starts.
    #[arg(long, value_name = "GB", default_value_t = 8.0)]
    pub max_memory_gb: f64,
}

#[derive(Debug, Subcommand)]
pub enum SimulateMode {
    /// Run BoARIO's inputs directly: a pymrio folder and a BoARIO-style event file
    /// (ARIOPsiModel, reproduced step for step).
    #[command(after_help = SIM_EXAMPLES)]
    Ario {
        /// A pymrio folder (save_all, txt), as BoARIO reads it.
        #[arg(long, value_name = "FOLDER")]
        mrio: PathBuf,
        /// Event file (TOML) with `[model]` and `[[event]]` tables named as BoARIO's arguments.
        #[arg(long, value_name = "TOML")]
        event: PathBuf,
        #[command(flatten)]
        common: SimOutArgs,
    },
}

// ---- plenum sensitivity and plenum optimise (cmd/sensitivity, cmd/optimise) ----

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  plenum sensitivity --out out/sens\n  plenum sensitivity --method sobol --n 1024 --params mpc_labour,land_sales_elasticity,local_interest_rate\n  plenum sensitivity --outputs growth_avg,gdp_2030,local_debt_to_gdp_2030 --method morris --trajectories 40\n  plenum sensitivity plenum-package --dists my-dists.toml"
)]
pub struct SensitivityArgs {
    /// The scenario analysed (a file or shipped name); default baseline-2024.
    #[arg(value_name = "SCENARIO")]
    pub scenario: Option<PathBuf>,
    /// morris, sobol or both.
    #[arg(long, default_value = "both", value_parser = ["morris", "sobol", "both"])]
    pub method: String,
    /// Comma-separated parameter names, or `all` (every uncertain parameter).
    #[arg(long, default_value = "all")]
    pub params: String,
    /// Comma-separated outputs (growth_YYYY, growth_avg, gdp_YYYY, VARIABLE_YYYY, VARIABLE_YYYYQn).
    #[arg(long, default_value = "growth_avg,gdp_2030,local_debt_to_gdp_2030")]
    pub outputs: String,
    /// Sobol': base sample size N (a power of two; N·(D+2) runs).
    #[arg(long, default_value_t = 256)]
    pub n: usize,
    /// Sobol': also second-order indices (N·(2D+2) runs).
    #[arg(long)]
    pub second_order: bool,
    /// Morris: number of trajectories (r·(D+1) runs).
    #[arg(long, default_value_t = 20)]
    pub trajectories: usize,
    /// Morris: grid levels (even).
    #[arg(long, default_value_t = 4)]
    pub levels: usize,
    /// Bootstrap resamples for confidence intervals.
    #[arg(long, default_value_t = 200)]
    pub resamples: usize,
    /// Seed (Morris design, bootstrap).
    #[arg(long, default_value_t = 2024)]
    pub seed: u64,
    /// Distribution overrides ([distributions] table).
    #[arg(long, value_name = "FILE")]
    pub dists: Option<PathBuf>,
    /// Folder for all outputs.
    #[arg(long, value_name = "DIR", default_value = "out/sensitivity")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  plenum optimise examples/optimise/package.toml --out out/opt\n  plenum optimise examples/optimise/package.toml --evaluations 5000 --seed 7\n  plenum run out/opt/front/point-003.toml     # reproduces a front point exactly"
)]
pub struct OptimiseArgs {
    /// The optimisation spec (TOML; see docs/uncertainty.md).
    #[arg(value_name = "SPEC")]
    pub spec: PathBuf,
    /// Overrides the spec's number of evaluations.
    #[arg(long)]
    pub evaluations: Option<usize>,
    /// Overrides the spec's seed.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Folder for all outputs.
    #[arg(long, value_name = "DIR", default_value = "out/optimise")]
    pub out: PathBuf,
}
// ---- plenum serve and plenum runs (crate plenum-web) ----

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  plenum serve                                   # http://127.0.0.1:8080/, runs under plenum-data/\n  plenum serve --addr 127.0.0.1:9000 --data-dir /srv/plenum\n  plenum serve --addr 0.0.0.0:8080 --token \"$PLENUM_TOKEN\"   # beyond loopback a token is required\n  curl -X POST --data-binary @scenarios/plenum-package.toml 'http://127.0.0.1:8080/api/runs?draws=200'   # fan charts\n\nThe API is described at /api/openapi.json and in docs/api.md."
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
    /// Most Monte Carlo draws a run may ask for (POST /api/runs?draws=N; fan charts).
    #[arg(long, value_name = "N", default_value_t = 500)]
    pub max_draws: usize,
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
