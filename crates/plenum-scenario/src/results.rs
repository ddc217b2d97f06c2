//! What a run returns: quarterly series by variable, region and sector,
//! and their tidy rows (quarter, scenario, region, sector, variable,
//! value). Region-level variables have sector `TOTAL`; fiscal, FDI and
//! self-reliance variables exist for the scenario's own region only.
//!
//! | variable | unit | meaning |
//! |---|---|---|
//! | `gdp_real` | table unit per quarter, 2023 prices | value added Σ v_j x_j |
//! | `gdp_growth_yoy` | % | real GDP growth on the same quarter a year before |
//! | `exports`, `imports` | table unit per quarter | intermediate and final, delivered; exports − imports is exact, the gross flows are estimated (see [`crate::engine`]) |
//! | `consumption`, `government`, `investment`, `other_final` | table unit per quarter | delivered final demand of the region's households, government, investment and other categories |
//! | `inventory_drawdown` | table unit per quarter | inputs used beyond those delivered: −ΔN, the fall of the engine's inventories |
//! | `consumption_share` | % of GDP | household consumption / GDP on the national accounts' concept: purchasers' prices, national concept, GDP at market prices ([`crate::blocks::households::consumption_share`]) |
//! | `labour_income` | table unit per quarter | Σ λ_j v_j x_j |
//! | `gdp_nominal` | tn yuan per quarter | GDP at current prices: real GDP times the deflator ([`crate::blocks::prices`]) |
//! | `gdp_nominal_growth` | % | nominal GDP growth y/y |
//! | `deflator`, `cpi`, `ppi` | % | GDP deflator, consumer and industrial producer prices, y/y ([`crate::blocks::prices`]) |
//! | `deflator_index` | 2022Q1 = 1 | level of the GDP deflator |
//! | `import_prices` | % | world import prices in yuan, y/y (scenario path) |
//! | `output_gap` | % of potential | the price block's output gap |
//! | `lpr`, `real_rate` | % per year | 1-year loan prime rate (data to 2024Q2, then the rule) and it less last quarter's deflator inflation ([`crate::blocks::money`]) |
//! | `credit_growth` | % y/y | manufacturing medium- and long-term loans: the scenario's figures, then the money block's rule |
//! | `exchange_rate` | yuan per USD | the managed rate: `yuan_per_usd` to 2024Q2, then the rule ([`crate::blocks::fx`]) |
//! | `government_deficit`, `ultra_long_spending` | tn yuan per quarter | consolidated (central + local) deficit, and spending of ultra-long special treasury bonds ([`crate::blocks::budget`]) |
//! | `government_debt`, `central_debt` | tn yuan | consolidated and central government debt, end of quarter (from 2024Q1) |
//! | `government_debt_to_gdp` | % | consolidated debt / annualised nominal GDP |
//! | `confidence` | index | consumer confidence path |
//! | `property_investment_index`, `property_sales_index` | 2022 = 1 | real-estate development investment and sales: the scenario's paths moved by the credit channel ([`crate::blocks::propcredit`]) |
//! | `property_investment_growth` | % y/y | growth of `property_investment_index` on the quarter a year before |
//! | `property_sales_growth`, `property_sales_value_growth` | % y/y | sales (floor area) and sales value (times house prices) on the land market's calendar, each quarter's y/y its year's rate (as NBS reports them and land revenue reads them), with the credit channel; demand reads the smooth `property_sales_index` |
//! | `property_investment_credit`, `property_sales_credit` | % | the credit channel's departures y and x from the scenario's paths (0 to 2024Q2) |
//! | `lpr5`, `mortgage_rate` | % per year | 5-year LPR (data to 2024Q2, then the 1-year LPR plus the term spread) and the average new mortgage's rate ([`crate::blocks::propcredit`]) |
//! | `developer_credit_growth` | % y/y | developers' loans: the 2023 figure (NBS) plus the channel's departure d |
//! | `house_price_departure` | % | the channel's departure ξ^h of house prices from the scenario's `[property] price_growth` path (0 to 2024Q2; [`crate::blocks::propcredit`]) |
//! | `house_price_growth` | % y/y | house prices with the departure: each quarter's y/y is its year's `price_growth` rate times the departure's change over four quarters (as `property_sales_value_growth` reads them) |
//! | `land_revenue`, `local_revenue`, `local_spending`, `local_spending_cut`, `interest_paid`, `local_deficit` | tn yuan per quarter | local government flows |
//! | `local_debt`, `debt_swapped` | tn yuan | end of quarter (from 2024Q1) |
//! | `central_backstop` | tn yuan per quarter | central transfer covering the local spending gap near the debt limit (from 2024Q1) |
//! | `local_debt_to_gdp` | % | debt / annualised nominal GDP |
//! | `interest_burden` | % | interest / local revenue |
//! | `fdi_inflow` | USD bn per year | inward direct investment |
//! | `sr_spending` | bn yuan per quarter | self-reliance programme spending |
//! | `sr_capacity`, `fdi_capacity` | table unit per quarter | capacity added by programmes and FDI |
//! | `cp_transfer` | tn yuan per quarter | common-prosperity transfer |
//! | `self_reliance_chips` | % | share of the region's use of the chips sector supplied at home (estimated origin split, see [`crate::engine`]) |
//! | `output`, `value_added`, `capacity` | table unit per quarter | per industry |
//! | `contrib_<component>` | pp | contribution to China's real growth y/y by demand component ([`crate::contrib::COMPONENTS`]); they add up to `gdp_growth_yoy` |
//! | `contrib_block_<block>` | pp | the same split by block or driver ([`crate::contrib::BLOCKS`]); they add up to `gdp_growth_yoy` |

use crate::bind::Bound;
use crate::blocks::localgov::LocalOutputs;
use crate::blocks::property::PropertyIndices;
use crate::contrib::{self, Levels};
use crate::economy::Economy;
use crate::engine::Accounts;
use crate::params::Params;
use crate::schema::Scenario;
use crate::time::Quarter;

/// Sector label of region-level series.
pub const TOTAL: &str = "TOTAL";

#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub variable: &'static str,
    pub region: String,
    pub sector: String,
    pub unit: String,
    /// One value per quarter of the run; NaN where undefined.
    pub values: Vec<f64>,
}

/// One scenario's results.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioRun {
    pub name: String,
    pub description: String,
    pub files: Vec<String>,
    pub hash: String,
    pub seed: u64,
    pub region: String,
    pub chips: String,
    pub quarters: Vec<Quarter>,
    pub series: Vec<Series>,
    pub params: Params,
    /// The scenario's assumptions in words (measures, programmes, swaps).
    pub assumptions: Vec<String>,
    /// Table units per tn yuan.
    pub kappa: f64,
    /// Per quarter, world total: inputs the engine let users take beyond
    /// their inventories of non-critical inputs (it clamps those at zero);
    /// world exports − imports = −this.
    pub inventory_clamped: Vec<f64>,
    pub table_unit: String,
}

/// A tidy row.
#[derive(Debug, Clone, PartialEq)]
pub struct TidyRow<'a> {
    pub quarter: Quarter,
    pub scenario: &'a str,
    pub region: &'a str,
    pub sector: &'a str,
    pub variable: &'a str,
    pub value: f64,
}

impl ScenarioRun {
    pub fn series(&self, variable: &str, region: &str) -> Option<&Series> {
        self.series
            .iter()
            .find(|s| s.variable == variable && s.region == region && s.sector == TOTAL)
    }
    pub fn industry(&self, variable: &str, region: &str, sector: &str) -> Option<&Series> {
        self.series
            .iter()
            .find(|s| s.variable == variable && s.region == region && s.sector == sector)
    }
    /// Value at a quarter (NaN if absent).
    pub fn at(&self, variable: &str, region: &str, q: Quarter) -> f64 {
        let k = self.quarters.iter().position(|x| *x == q);
        match (self.series(variable, region), k) {
            (Some(s), Some(k)) => s.values[k],
            _ => f64::NAN,
        }
    }
    /// Sum over the quarters of `year` (NaN unless all four are present).
    pub fn annual_sum(&self, variable: &str, region: &str, year: i32) -> f64 {
        (1..=4)
            .map(|q| self.at(variable, region, Quarter::new(year, q)))
            .sum()
    }
    pub fn annual_mean(&self, variable: &str, region: &str, year: i32) -> f64 {
        self.annual_sum(variable, region, year) / 4.0
    }
    /// Real GDP growth of `year` over the year before, per cent.
    pub fn annual_growth(&self, region: &str, year: i32) -> f64 {
        100.0
            * (self.annual_sum("gdp_real", region, year)
                / self.annual_sum("gdp_real", region, year - 1)
                - 1.0)
    }
    /// Tidy rows in a fixed order: series order, then quarters; NaN skipped.
    pub fn tidy_rows(&self) -> impl Iterator<Item = TidyRow<'_>> + '_ {
        self.series.iter().flat_map(move |s| {
            self.quarters
                .iter()
                .zip(&s.values)
                .filter(|(_, v)| !v.is_nan())
                .map(move |(q, v)| TidyRow {
                    quarter: *q,
                    scenario: &self.name,
                    region: &s.region,
                    sector: &s.sector,
                    variable: s.variable,
                    value: *v,
                })
        })
    }
}

/// Everything the run knows about one quarter, for the recorder.
pub(crate) struct QuarterState<'a> {
    pub x: &'a [f64],
    pub cap: &'a [f64],
    pub acc: &'a Accounts,
    pub bound: &'a Bound,
    pub local: &'a LocalOutputs,
    pub local_tracked: bool,
    pub ngdp: f64,
    pub labour_income: f64,
    pub confidence: f64,
    pub property: PropertyIndices,
    pub fdi: f64,
    pub sr_spending_bn: f64,
    pub sr_capacity: f64,
    pub fdi_capacity: f64,
    pub cp_transfer: f64,
    pub self_reliance: f64,
    pub inventory_clamped: f64,
    /// China's final demand asked by named piece ([`crate::contrib`]).
    pub pieces: &'a Levels,
    pub prices: PriceRecord,
    pub credit: CreditRecord,
    pub budget: &'a crate::blocks::budget::BudgetOutputs,
}

/// The credit channel to property of one quarter
/// ([`crate::blocks::propcredit`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct CreditRecord {
    pub lpr5: f64,
    pub mortgage_rate: f64,
    pub developer_credit_growth: f64,
    /// The channel's departures of sales and investment from the
    /// scenario's paths, %.
    pub sales_credit: f64,
    pub investment_credit: f64,
    /// Sales (volume and value on the land market's calendar) and property
    /// investment, % y/y.
    pub sales_growth: f64,
    pub sales_value_growth: f64,
    pub investment_growth: f64,
    /// The channel's house-price departure ξ^h, %, and house-price growth
    /// with it, % y/y.
    pub house_price_departure: f64,
    pub house_price_growth: f64,
}

/// The price block's values of one quarter ([`crate::blocks::prices`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PriceRecord {
    pub deflator_yoy: f64,
    pub cpi_yoy: f64,
    pub ppi_yoy: f64,
    pub import_yoy: f64,
    pub output_gap: f64,
    pub deflator_level: f64,
    pub nominal_growth: f64,
    /// The money block ([`crate::blocks::money`]): 1-year LPR, real rate,
    /// manufacturing loan growth.
    pub lpr: f64,
    pub real_rate: f64,
    pub credit_growth: f64,
    /// Yuan per US dollar ([`crate::blocks::fx`]).
    pub exchange_rate: f64,
}

const REGION_VARS: [&str; 9] = [
    "gdp_real",
    "gdp_growth_yoy",
    "exports",
    "imports",
    "consumption",
    "government",
    "investment",
    "other_final",
    "inventory_drawdown",
];

const CHINA_VARS: [(&str, &str); 52] = [
    ("consumption_share", "% of GDP"),
    ("labour_income", "table"),
    ("gdp_nominal", "tn yuan per quarter"),
    ("confidence", "index (100 = neutral)"),
    ("property_investment_index", "2022 = 1"),
    ("property_sales_index", "2022 = 1"),
    ("land_revenue", "tn yuan per quarter"),
    ("local_revenue", "tn yuan per quarter"),
    ("local_spending", "tn yuan per quarter"),
    ("local_spending_cut", "tn yuan per quarter"),
    ("interest_paid", "tn yuan per quarter"),
    ("local_deficit", "tn yuan per quarter"),
    ("local_debt", "tn yuan"),
    ("debt_swapped", "tn yuan"),
    ("local_debt_to_gdp", "%"),
    ("interest_burden", "% of local revenue"),
    ("fdi_inflow", "USD bn per year"),
    ("sr_spending", "bn yuan per quarter"),
    ("sr_capacity", "table"),
    ("fdi_capacity", "table"),
    ("cp_transfer", "tn yuan per quarter"),
    ("self_reliance_chips", "%"),
    ("net_exports", "table"),
    ("local_taxes", "tn yuan per quarter"),
    ("local_transfers", "tn yuan per quarter"),
    ("central_backstop", "tn yuan per quarter"),
    ("deflator", "% y/y"),
    ("cpi", "% y/y"),
    ("ppi", "% y/y"),
    ("import_prices", "% y/y"),
    ("output_gap", "% of potential output"),
    ("deflator_index", "2022Q1 = 1"),
    ("gdp_nominal_growth", "% y/y"),
    ("government_deficit", "tn yuan per quarter"),
    ("government_debt", "tn yuan"),
    ("government_debt_to_gdp", "%"),
    ("central_debt", "tn yuan"),
    ("ultra_long_spending", "tn yuan per quarter"),
    ("lpr", "% per year"),
    ("real_rate", "% per year"),
    ("credit_growth", "% y/y"),
    ("exchange_rate", "yuan per USD"),
    ("lpr5", "% per year"),
    ("mortgage_rate", "% per year"),
    ("developer_credit_growth", "% y/y"),
    ("property_sales_credit", "% of the scenario's sales path"),
    (
        "property_investment_credit",
        "% of the scenario's investment path",
    ),
    ("property_sales_growth", "% y/y"),
    ("property_sales_value_growth", "% y/y"),
    ("property_investment_growth", "% y/y"),
    ("house_price_departure", "% of the scenario's price path"),
    ("house_price_growth", "% y/y"),
];

const INDUSTRY_VARS: [&str; 3] = ["output", "value_added", "capacity"];

pub(crate) struct Recorder {
    run: ScenarioRun,
    nr: usize,
    ns: usize,
    nf: usize,
    /// Index of the first China-only series and of the first industry series.
    china_at: usize,
    industry_at: usize,
    /// Index of China's `gdp_real` series.
    china_region: usize,
    /// China's GDP by named piece, delivered, per recorded quarter.
    levels: Vec<Levels>,
    /// GDP per region and China's pieces in the four quarters before the
    /// first recorded one (for growth y/y from the first quarter).
    pre_gdp: Vec<Vec<f64>>,
    pre_levels: Vec<Levels>,
    /// The consumption share's measure ([`crate::blocks::households::consumption_share`]):
    /// China's direct purchases abroad column, if the table has one, and
    /// the two product-tax rates.
    share: crate::blocks::households::ShareMeasure,
}

fn describe(scn: &Scenario) -> Vec<String> {
    let mut out = Vec::new();
    for m in &scn.measures {
        let ends = m.end.map(|e| format!(" until {e}")).unwrap_or_default();
        let users = m
            .users
            .as_ref()
            .map(|u| format!(" (users: {})", u.join(", ")))
            .unwrap_or_default();
        out.push(format!(
            "Restriction {}: {} → {}, products {}{users}: {:.0}% of the flow restricted, substitutability {:.2}, from {} over {} quarter(s){ends}. {}",
            m.id,
            m.from.join(", "),
            m.to.join(", "),
            m.products.join(", "),
            100.0 * m.restricted_share,
            m.substitutability,
            m.start,
            m.phase_in,
            m.description
        ));
    }
    for p in &scn.programmes {
        out.push(format!(
            "Programme {}: {:.0} bn yuan from {} to {}, building {} capacity after {:.0} quarters (capital-output ratio {:.1}, technology yield {:.2}).",
            p.id, p.amount, p.start, p.end, p.target, p.lag, p.capital_output_ratio, p.technology_yield
        ));
    }
    for s in &scn.swaps {
        out.push(format!(
            "Debt swap {}: {:.1} tn yuan from {} to {} at {:.2}%.",
            s.id, s.amount, s.start, s.end, s.rate
        ));
    }
    if !scn.params_set.is_empty() {
        let v: Vec<String> = scn
            .params_set
            .iter()
            .map(|k| format!("{k} = {}", scn.params.get(k).unwrap_or(f64::NAN)))
            .collect();
        out.push(format!("Parameters set by the scenario: {}.", v.join(", ")));
    }
    out
}

impl Recorder {
    pub fn new(
        scn: &Scenario,
        p: &Params,
        econ: &Economy,
        quarters: Vec<Quarter>,
        kappa: f64,
    ) -> Self {
        let nq = quarters.len();
        let unit = format!("{} {} per quarter (2023 prices)", econ.currency, econ.unit);
        let mut series = Vec::new();
        for v in REGION_VARS {
            for r in &econ.regions {
                let u = if v == "gdp_growth_yoy" {
                    "%".to_string()
                } else {
                    unit.clone()
                };
                series.push(Series {
                    variable: v,
                    region: r.clone(),
                    sector: TOTAL.into(),
                    unit: u,
                    values: vec![f64::NAN; nq],
                });
            }
        }
        let china_at = series.len();
        for (v, u) in CHINA_VARS {
            let u = if u == "table" {
                unit.clone()
            } else {
                u.to_string()
            };
            series.push(Series {
                variable: v,
                region: scn.roles.region.clone(),
                sector: TOTAL.into(),
                unit: u,
                values: vec![f64::NAN; nq],
            });
        }
        let industry_at = series.len();
        for v in INDUSTRY_VARS {
            for r in &econ.regions {
                for s in &econ.sectors {
                    series.push(Series {
                        variable: v,
                        region: r.clone(),
                        sector: s.clone(),
                        unit: unit.clone(),
                        values: vec![f64::NAN; nq],
                    });
                }
            }
        }
        Self {
            run: ScenarioRun {
                name: scn.name.clone(),
                description: scn.description.clone(),
                files: scn.files.clone(),
                hash: scn.hash.clone(),
                seed: scn.seed,
                region: scn.roles.region.clone(),
                chips: scn.roles.chips.clone(),
                quarters,
                series,
                params: p.clone(),
                assumptions: describe(scn),
                kappa,
                inventory_clamped: vec![f64::NAN; nq],
                table_unit: format!("{} {}", econ.currency, econ.unit),
            },
            nr: econ.nr,
            ns: econ.ns,
            nf: econ.nf,
            china_at,
            industry_at,
            china_region: econ
                .regions
                .iter()
                .position(|r| *r == scn.roles.region)
                .unwrap_or(0),
            levels: vec![[f64::NAN; contrib::NP]; nq],
            pre_gdp: vec![vec![f64::NAN; econ.nr]; 4],
            pre_levels: vec![[f64::NAN; contrib::NP]; 4],
            share: crate::blocks::households::ShareMeasure::new(econ, p),
        }
    }

    pub fn record(&mut self, k: usize, q: &QuarterState<'_>) {
        let (nr, ns, nf) = (self.nr, self.ns, self.nf);
        let b = q.bound;
        let acc = q.acc;
        let s = &mut self.run.series;
        for r in 0..nr {
            let fd = |f: usize| acc.fd[r * nf + f];
            let other: f64 = (0..nf)
                .filter(|&f| f != b.households && f != b.government && f != b.investment)
                .map(fd)
                .sum();
            let vals = [
                acc.gdp[r],
                f64::NAN,
                acc.exports[r],
                acc.imports[r],
                fd(b.households),
                fd(b.government),
                fd(b.investment),
                other,
                acc.shortfall[r],
            ];
            for (vi, v) in vals.iter().enumerate() {
                s[vi * nr + r].values[k] = *v;
            }
        }
        let ch = b.china;
        let lo = q.local;
        let tracked = |v: f64| if q.local_tracked { v } else { f64::NAN };
        let gdp_ann = 4.0 * q.ngdp;
        let pr = q.prices;
        let bo = q.budget;
        let cr = q.credit;
        let cvals: [f64; 52] = [
            self.share.share(
                acc.fd[ch * nf + b.households],
                self.share.abroad.map_or(0.0, |f| acc.fd[ch * nf + f]),
                acc.gdp[ch],
            ),
            q.labour_income,
            q.ngdp,
            q.confidence,
            q.property.investment,
            q.property.sales,
            lo.land,
            lo.revenue,
            lo.spending,
            tracked(lo.cut),
            tracked(lo.interest),
            tracked(lo.deficit),
            tracked(lo.debt),
            tracked(lo.swapped),
            tracked(100.0 * lo.debt / gdp_ann),
            tracked(100.0 * lo.interest / lo.revenue),
            q.fdi,
            q.sr_spending_bn,
            q.sr_capacity,
            q.fdi_capacity,
            q.cp_transfer,
            100.0 * q.self_reliance,
            acc.exports[ch] - acc.imports[ch],
            lo.taxes,
            lo.transfers,
            tracked(lo.backstop),
            pr.deflator_yoy,
            pr.cpi_yoy,
            pr.ppi_yoy,
            pr.import_yoy,
            pr.output_gap,
            pr.deflator_level,
            pr.nominal_growth,
            tracked(bo.deficit),
            tracked(bo.debt),
            tracked(100.0 * bo.debt / gdp_ann),
            tracked(bo.central_debt),
            bo.ul_infrastructure + bo.ul_equipment + bo.ul_consumer,
            pr.lpr,
            pr.real_rate,
            pr.credit_growth,
            pr.exchange_rate,
            cr.lpr5,
            cr.mortgage_rate,
            cr.developer_credit_growth,
            cr.sales_credit,
            cr.investment_credit,
            cr.sales_growth,
            cr.sales_value_growth,
            cr.investment_growth,
            cr.house_price_departure,
            cr.house_price_growth,
        ];
        for (vi, v) in cvals.iter().enumerate() {
            s[self.china_at + vi].values[k] = *v;
        }
        self.run.inventory_clamped[k] = q.inventory_clamped;
        self.levels[k] = china_levels(acc, b, nf, q.pieces);
        let n = nr * ns;
        for j in 0..n {
            s[self.industry_at + j].values[k] = q.x[j];
            s[self.industry_at + n + j].values[k] = acc.va[j];
            s[self.industry_at + 2 * n + j].values[k] = q.cap[j];
        }
    }

    /// Keeps GDP and China's pieces of the quarter `k` (0-3) of the four
    /// before the first recorded quarter.
    pub fn prehistory(&mut self, k: usize, acc: &Accounts, b: &Bound, pieces: &Levels) {
        if k < 4 {
            self.pre_gdp[k] = acc.gdp.clone();
            self.pre_levels[k] = china_levels(acc, b, self.nf, pieces);
        }
    }

    pub fn finish(mut self) -> ScenarioRun {
        let nr = self.nr;
        for r in 0..nr {
            let mut gdp: Vec<f64> = self.pre_gdp.iter().map(|g| g[r]).collect();
            gdp.extend_from_slice(&self.run.series[r].values);
            let g = &mut self.run.series[nr + r].values;
            for k in 0..g.len() {
                g[k] = 100.0 * (gdp[k + 4] / gdp[k] - 1.0);
            }
        }
        // Contributions to China's growth (crate::contrib), from the
        // first recorded quarter on.
        let mut gdp: Vec<f64> = self.pre_gdp.iter().map(|g| g[self.china_region]).collect();
        gdp.extend_from_slice(&self.run.series[self.china_region].values);
        let mut levels = self.pre_levels.clone();
        levels.extend_from_slice(&self.levels);
        let by_piece = contrib::by_piece(&levels, &gdp)[4..].to_vec();
        let region = self.run.region.clone();
        for (vars, groups) in [
            (
                &contrib::COMPONENT_VARS[..],
                contrib::grouped(&by_piece, &contrib::COMPONENTS, contrib::Piece::component),
            ),
            (
                &contrib::BLOCK_VARS[..],
                contrib::grouped(&by_piece, &contrib::BLOCKS, contrib::Piece::block),
            ),
        ] {
            for (v, values) in vars.iter().zip(groups) {
                self.run.series.push(Series {
                    variable: v,
                    region: region.clone(),
                    sector: TOTAL.into(),
                    unit: "pp of growth y/y".into(),
                    values,
                });
            }
        }
        self.run
    }
}

/// China's GDP by named piece, delivered (see [`crate::contrib`]).
fn china_levels(acc: &Accounts, b: &Bound, nf: usize, pieces: &Levels) -> Levels {
    let ch = b.china;
    let fdc = |f: usize| acc.fd[ch * nf + f];
    let other: f64 = (0..nf)
        .filter(|&f| f != b.households && f != b.government && f != b.investment)
        .map(fdc)
        .sum();
    contrib::delivered(
        pieces,
        [
            fdc(b.households),
            fdc(b.government),
            fdc(b.investment),
            other,
        ],
        acc.exports[ch] - acc.imports[ch],
        acc.shortfall[ch],
    )
}
