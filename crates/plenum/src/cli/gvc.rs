//! The flags of the GVC commands: `plenum analyze self-reliance`,
//! `plenum analyze decompose` and `plenum chokepoints` (raw flags; the
//! commands in `cmd/` check them).

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use super::{MemoryArg, SolverArg, TableArg, TidyFormat};

const SELF_RELIANCE_HELP: &str = "\
Measures (formulas in docs/gvc.md):
  VA origin       domestic and foreign value added in output, gross exports, final goods
                  and final demand, v_i (L w)_i by source industry (Johnson & Noguera 2012;
                  the foreign part of exports is Hummels, Ishii & Yi 2001's VS).
  direct share    the group's share of the industry's intermediate inputs, all and by input
                  product (z_ij summed over the group / over all origins).
  total VA share  value added created in the group per unit of final product, Σ_G v_i L_ij.
  look-through    the group's share of all upstream output needed per unit of output,
                  Σ_G (L-I)_ij / Σ (L-I)_ij (Baldwin, Freeman & Theodorakopoulos 2022).
  WWZ 2017a       production-based GVC participation, forward (VA) and backward (final
                  goods) (Wang, Wei, Yu & Zhu 2017).
  Koopman 2010    export-based participation (IV+FV)/E and position ln(1+IV/E)-ln(1+FV/E)
                  (Koopman, Powers, Wang & Wei 2010).

The default group is the chip-export-control coalition USA JPN NLD KOR TWN DEU; --group
reads a TOML file (regions = [\"USA\", \"JPN\"]) or a plain list, one region a line.

Examples:
  plenum analyze self-reliance --region CHN --sector C26
  plenum analyze self-reliance --region CHN --sector C26 --sector C27 /tmp/world2022.plenum
  plenum analyze self-reliance --region CHN --sector c14 ../shared/data/wiod-2013-wiot2011 \\
      --allow-zero-output --out out/wiod-self-reliance";

const DECOMPOSE_HELP: &str = "\
Methods (formulas in docs/gvc.md):
  kww        9 terms of gross exports: DVA_FIN, DVA_INT, DVA_INTrex, RDV_FIN, RDV_INT, DDC,
             FVA_FIN, FVA_INT, FDC (Koopman, Wang & Wei 2014, via Wang, Wei & Zhu 2013).
  wwz        the 16 terms of Wang, Wei & Zhu (2013), bilateral and by sector.
  bm-source  Borin & Mancini (2019, 2023), source-based: value added counted the first time
             it leaves the exporter (VAX1-4, REF1-2, DDC, FVA, FDC).
  bm-sink    Borin & Mancini (2019, 2023), sink-based: counted the last time it leaves.
Levels: country (exporter to the world), bilateral (exporter x importer), sector (exporter x
exporting sector to the world). Terms are printed as % of gross exports (EXGR). For bm-source
and bm-sink the level also sets Borin & Mancini's perspective: double counting is measured
relative to the exporter's total exports (country), the exporter-importer flow (bilateral) or
the exporting sector's exports (sector).

Examples:
  plenum analyze decompose --method kww
  plenum analyze decompose --method bm-source --level sector --region CHN --top 24
  plenum analyze decompose --method kww --level bilateral --region CHN /tmp/world2022.plenum \\
      --out out/kww-chn";

const CHOKEPOINTS_HELP: &str = "\
Rankings of every supplier industry outside the target (formulas in docs/gvc.md):
  exposure     supplier output needed, directly and indirectly, per unit of the target's
               output, Σ_T (L-I)_ij x_j / Σ_T x_j (Baldwin, Freeman & Theodorakopoulos 2022).
  bottleneck   target value added lost if the supplier stops delivering and nothing replaces
               it: Leontief loss of its users for critical inputs, spread downstream with
               the Ghosh inverse (Ghosh 1958; first order).
  extraction   world output lost when the supplier's sales to the target are removed
               (partial hypothetical extraction, Dietzenbacher & Lahr 2013; exact rank-one
               update).
The report shows the top of each ranking, which target industries each supplier hits most,
the Spearman correlations of the rankings and the suppliers where they disagree, with why.
  --dynamic    for the top suppliers by bottleneck loss, the same loss computed with the
               dynamic engine (plenum-sim extended mode: the supplier's deliveries to the
               target capped at 0, critical inputs, inventories, quarterly steps).
The rankings need L and L' times |T| + 1 right-hand sides each (T the target's industries),
never L itself: at scale they iterate on Z as the table stores it (--solver; solver.json),
as in the fourth example, a GLORIA-size synthetic pymrio folder (n = 19,680).

Examples:
  plenum chokepoints --region CHN --top 20
  plenum chokepoints --region CHN --top 20 --dynamic
  plenum chokepoints --region CHN --top 10 /tmp/world2022.plenum --out out/chokepoints
  plenum chokepoints --region R00 /tmp/glor60 --out out/choke
  plenum chokepoints --region CHN ../shared/data/wiod-2013-wiot2011 --allow-zero-output";

/// The subcommands of `plenum analyze`.
#[derive(Debug, Subcommand)]
pub enum AnalyzeCommand {
    /// Domestic and foreign value added in output, exports and final demand; dependence on a
    /// group of economies; GVC participation and position.
    #[command(after_help = SELF_RELIANCE_HELP)]
    SelfReliance(SelfRelianceArgs),
    /// Gross-export decompositions (KWW, WWZ, Borin-Mancini) by country, pair or sector.
    #[command(after_help = DECOMPOSE_HELP)]
    Decompose(DecomposeArgs),
}

/// Output flags shared by the GVC commands.
#[derive(Debug, Args, Clone)]
pub struct GvcOut {
    /// Folder for tidy outputs and manifest.json.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = TidyFormat::Csv)]
    pub tidy: TidyFormat,
}

#[derive(Debug, Args)]
pub struct SelfRelianceArgs {
    #[command(flatten)]
    pub input: TableArg,
    /// Region(s) whose self-reliance is measured; several regions count as one economy.
    #[arg(
        long,
        value_name = "REGION",
        value_delimiter = ',',
        default_value = "CHN"
    )]
    pub region: Vec<String>,
    /// Group file (TOML `regions = [...]` or a list); default the chip coalition
    /// USA, JPN, NLD, KOR, TWN, DEU.
    #[arg(long, value_name = "FILE")]
    pub group: Option<PathBuf>,
    /// Sector(s) to measure (repeat or comma-separate); default all sectors.
    #[arg(long, value_name = "SECTOR", value_delimiter = ',')]
    pub sector: Vec<String>,
    /// How many foreign sources and industries the summary lists.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    #[command(flatten)]
    pub memory: MemoryArg,
    #[command(flatten)]
    pub output: GvcOut,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Method {
    /// Koopman, Wang & Wei (2014), 9 terms.
    Kww,
    /// Wang, Wei & Zhu (2013), 16 terms.
    Wwz,
    /// Borin & Mancini, source-based.
    BmSource,
    /// Borin & Mancini, sink-based.
    BmSink,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Level {
    /// Exporter to the world.
    Country,
    /// Exporter × importer.
    Bilateral,
    /// Exporter × exporting sector, to the world.
    Sector,
}

#[derive(Debug, Args)]
pub struct DecomposeArgs {
    #[command(flatten)]
    pub input: TableArg,
    #[arg(long, value_enum, default_value_t = Method::Kww)]
    pub method: Method,
    #[arg(long, value_enum, default_value_t = Level::Country)]
    pub level: Level,
    /// Exporter(s) to report (repeat or comma-separate); default all.
    #[arg(long, value_name = "REGION", value_delimiter = ',')]
    pub region: Vec<String>,
    /// How many rows (largest gross exports first) the summary shows.
    #[arg(long, default_value_t = 15)]
    pub top: usize,
    #[command(flatten)]
    pub memory: MemoryArg,
    #[command(flatten)]
    pub output: GvcOut,
}

#[derive(Debug, Args)]
#[command(after_help = CHOKEPOINTS_HELP)]
pub struct ChokepointsArgs {
    #[command(flatten)]
    pub input: TableArg,
    /// Target region(s) whose foreign suppliers are ranked.
    #[arg(
        long,
        value_name = "REGION",
        value_delimiter = ',',
        default_value = "CHN"
    )]
    pub region: Vec<String>,
    /// Rows per ranking in the summary; also the "top k" for disagreements.
    #[arg(long, default_value_t = 20)]
    pub top: usize,
    /// Target industries listed per supplier and measure.
    #[arg(long, default_value_t = 3)]
    pub hits: usize,
    /// Smallest cost share of a product for it to count as a critical input
    /// in the bottleneck measure (0 = pure Leontief).
    #[arg(long, value_name = "SHARE", default_value_t = 0.01)]
    pub critical_share: f64,
    /// Also compute the bottleneck loss of the top suppliers (by the
    /// first-order bottleneck ranking) with the dynamic engine: their
    /// deliveries to the target stopped, critical inputs, inventories.
    #[arg(long)]
    pub dynamic: bool,
    /// Quarterly steps of the dynamic runs (with --dynamic), 1 to 400.
    #[arg(long, value_name = "N", default_value_t = 4, requires = "dynamic",
          value_parser = crate::cmd::simulate::parse_dynamic_steps)]
    pub dynamic_steps: usize,
    /// Rank suppliers of whole products (region × sector, three measures)
    /// or of technologies (origin × technology of the technology layer,
    /// data/technology/chips.toml: chips and chip-making tools).
    #[arg(long, value_enum, default_value_t = ChokeBy::Product)]
    pub by: ChokeBy,
    /// With --by technology: years after the stop at which the loss is
    /// measured (substitutes arrive, tools fall due for renewal).
    #[arg(long, value_name = "YEARS", default_value_t = 2.0)]
    pub horizon: f64,
    /// How products with L = (I - A)^-1 are computed: `auto` factors I - A (LU) below
    /// 1,500 industries or with more than n/25 right-hand sides (2 |T| + 2 here), and
    /// otherwise iterates (block GMRES on Z, no A or L); with --out, solver.json records
    /// the method, the sweeps and the residual reached. --dynamic always factors.
    #[arg(long, value_enum, default_value_t = SolverArg::Auto)]
    pub solver: SolverArg,
    /// Target relative residual of the iterative solves, ||b - (I - A)x|| / ||b||.
    #[arg(long, value_name = "RTOL", default_value_t = 1e-12)]
    pub rtol: f64,
    #[command(flatten)]
    pub memory: MemoryArg,
    #[command(flatten)]
    pub output: GvcOut,
}

/// The rows `plenum chokepoints` ranks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChokeBy {
    /// Supplier industries (region × sector).
    Product,
    /// Supplier technologies (origin × technology).
    Technology,
}
