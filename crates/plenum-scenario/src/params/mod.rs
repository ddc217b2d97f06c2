//! The one parameter table of the macro blocks: name, value, unit, plausible
//! range and source. `docs/calibration.md` prints the same table and a test
//! checks the two agree. Scenario files may override a value under
//! `[params]`, within its plausible range (the range that the uncertainty
//! analysis will draw from).
//!
//! Sources are the figures of `/work/shared/calibration/china-mid-2024.md`
//! (published by mid-July 2024) or arithmetic on them ("derived"); a value
//! no published figure pins down is marked "assumption" and given a wide
//! range.
//!
//! Every row also carries a distribution on its plausible range for the
//! uncertainty analysis (plenum-uncertainty's [`Dist`], the one
//! implementation of the distributions' maths), with a sentence on why: a
//! row that names none gets a triangular distribution on its range with its
//! mode at the table's value (a best value and a range is what the sources
//! give); rows pinned by a published figure (min = max) are fixed.

pub use plenum_uncertainty::Dist;

/// The distribution of a row that names none: fixed when its range is one
/// value, else triangular on the range with its mode at the value.
pub const fn default_dist(min: f64, value: f64, max: f64) -> Dist {
    if min >= max {
        Dist::Fixed { value }
    } else {
        Dist::Triangular {
            lo: min,
            mode: value,
            hi: max,
        }
    }
}

/// One parameter: the row of the table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParamDef {
    pub name: &'static str,
    pub value: f64,
    pub unit: &'static str,
    pub min: f64,
    pub max: f64,
    pub source: &'static str,
    /// Distribution on [min, max] for the uncertainty analysis.
    pub dist: Dist,
    /// Why this distribution.
    pub why: &'static str,
}

/// The `why` of rows that name no distribution.
pub const DEFAULT_WHY: &str =
    "the source gives a best value and a plausible range: triangular with its mode at the value";

impl ParamDef {
    /// The value at quantile `u` of the row's distribution.
    pub fn quantile(&self, u: f64) -> f64 {
        self.dist.quantile(u)
    }
}

macro_rules! params {
    (@dist $min:expr, $value:expr, $max:expr) => { default_dist($min, $value, $max) };
    (@dist $min:expr, $value:expr, $max:expr, $dist:expr) => { $dist };
    (@why) => { DEFAULT_WHY };
    (@why $why:expr) => { $why };
    ($( $field:ident = $value:expr, $unit:expr, [$min:expr, $max:expr], $source:expr $(, ~ $dist:expr, $why:expr)?; )*) => {
        /// The parameter table, in the order of docs/calibration.md.
        pub static PARAMS: &[ParamDef] = &[
            $( ParamDef {
                name: stringify!($field), value: $value, unit: $unit, min: $min, max: $max, source: $source,
                dist: params!(@dist $min, $value, $max $(, $dist)?),
                why: params!(@why $($why)?),
            }, )*
        ];

        /// Parameter values, one field per row of [`PARAMS`].
        #[derive(Debug, Clone, PartialEq)]
        pub struct Params {
            $( pub $field: f64, )*
        }

        impl Params {
            /// The values of the table.
            pub fn defaults() -> Self {
                Self { $( $field: $value, )* }
            }
            /// Sets a value by name; false if there is no such parameter.
            pub fn set(&mut self, name: &str, v: f64) -> bool {
                match name {
                    $( stringify!($field) => { self.$field = v; true } )*
                    _ => false,
                }
            }
            pub fn get(&self, name: &str) -> Option<f64> {
                match name {
                    $( stringify!($field) => Some(self.$field), )*
                    _ => None,
                }
            }
            /// (name, value) in table order.
            pub fn to_vec(&self) -> Vec<(&'static str, f64)> {
                vec![ $( (stringify!($field), self.$field), )* ]
            }
        }
    };
}

params! {
    china_autonomous_growth = 1.0, "% per year", [-5.0, 7.0],
        "calibrated at each run (with the next row) so that baseline-2024 gives real growth of 5.3% in 2024Q1 and 4.7% in 2024Q2 (NBS, 15 Jul 2024): the residual, growth of China's demand over and above what the named blocks drive (households' trend income, the budget plan, local spending, manufacturing investment, other final demand at potential), 2022-2024, converging to zero after; the value here is the starting guess";
    china_demand_shift_2024q2 = 0.0, "% of autonomous demand", [-5.0, 5.0],
        "calibrated at each run (see the row above): lasting change of the level of China's autonomous demand from 2024Q2 on (NBS: Q2 grew 0.7% q/q); the value here is the starting guess";
    demand_shift_persistence = 0.8, "share per quarter", [0.0, 1.0],
        "set to the July 2024 consensus: share of the 2024Q2 level shift of the residual left after each further quarter (1: lasting). The Q2 miss (4.7% against a 5.1% consensus, NBS, 15 Jul 2024) came a day before the IMF's July update kept 5.0% for 2024 and 4.5% for 2025; with the named drivers a stumble that fades by 20% a quarter puts the baseline's 2024 and 2025 within half a point of them (docs/calibration.md; 1 gives 2024 below 4.5%)";
    autonomous_convergence_year = 2025.0, "year", [2025.0, 2030.0],
        "assumption: year by which the residual's growth (China's demand growth beyond the named blocks) has moved linearly from its calibrated 2022-2024 value to zero; 2025: the residual explains 2022-24 and nothing after, the named blocks carry the projection";
    china_potential_growth = 5.0, "% per year", [4.0, 6.0],
        "growth of China's productive capacity and of the labour-income reference path; the 2024 target 'around 5%' (Government work report, Mar 2024)";
    capacity_headroom = 0.08, "share of output", [0.03, 0.15],
        "assumption: capacity above trend output before rationing starts";
    inventory_target_smoothing = 730.0, "days", [365.0, 1095.0],
        "assumption (stability): firms set inventory targets on output smoothed over this time, adaptive expectations; with targets on current output the engine's quarterly order rule is an unstable Metzler (1941) inventory accelerator (spectral radius 1.03-1.11 for input shares 0.6-0.7, see docs/engine.md); 730 days gives 0.85-0.86";
    mpc_labour = 0.6, "share", [0.4, 0.8],
        "derived/assumption: households save about a third of disposable income (calibration file), so the average propensity is about 0.67; the marginal one out of labour income is taken a little lower";
    mpc_owners = 0.2, "share", [0.1, 0.4],
        "assumption: propensity to consume out of operating surplus (owners, firms), for the common-prosperity transfer";
    confidence_elasticity = 0.15, "% consumption per % of index", [0.05, 0.3],
        "assumption: consumption moves by this share of the relative change of the NBS consumer confidence index from its reference";
    confidence_reference = 86.2, "index (100 = neutral)", [80.0, 100.0],
        "NBS consumer confidence index, Jun 2024 (86.2): the level at which consumption follows its trend";
    labour_share_fallback = 0.52, "share of value added", [0.4, 0.6],
        "assumption: labour share used only when the table has no LABR row (e.g. WIOD)";
    property_share_of_construction_investment = 0.45, "share", [0.3, 0.6],
        "assumption: share of China's construction investment (GFCF on the construction sector) that is real-estate development";
    infrastructure_share_of_construction_investment = 0.35, "share", [0.2, 0.5],
        "assumption: share of China's construction investment that is local-government infrastructure";
    sales_share_of_real_estate_demand = 0.25, "share", [0.1, 0.4],
        "assumption: share of China's final demand for real-estate services that moves with property sales (brokerage, new-home services)";
    land_sales_elasticity = 0.84, "elasticity", [0.6, 2.1],
        "derived: least squares through the origin of Δln land revenue on Δln sales value, 2022 (-23%, -28.3%) and 2023 (-13.2%, -6.5%), MoF and NBS; each year alone gives 0.79 and 2.1";
    land_revenue_2023 = 5.80, "tn yuan", [5.80, 5.80],
        "MoF: land-use-rights sale revenue 2023 (8.4, 8.71, ~6.7, 5.80 tn in 2020-2023)";
    gdp_2023 = 126.06, "tn yuan", [126.06, 126.06],
        "NBS: nominal GDP 2023 (preliminary); scales the table's China to yuan";
    real_growth_2023 = 5.2, "%", [5.2, 5.2],
        "NBS: real GDP growth 2023, to carry the table's 2022 level to 2023";
    gdp_deflator_growth = 1.0, "% per year", [0.5, 2.5],
        "fitted (docs/calibration.md, prices): underlying inflation π̄ of value added, the deflator's growth with both gaps closed and world prices flat (goods and services trends average to it); set with the next rows and the services-goods split so that the deflator is negative in every quarter from 2023Q2 to 2024Q2 (NBS, derived), the PPI is near -3.0% (2023) and -2.1% (H1 2024) and the CPI near 0.2% and 0.1% (NBS); with the import-price path, the best of a grid (bench/price_fit_grid.py) with the deflator negative, 2024-25 in the consensus and nominal 2023 growth in its band; CPI was 2.0% in 2022 (NBS)";
    phillips_slope = 0.3, "pp of inflation per pp of output gap", [0.1, 0.6],
        "assumption: pp of annual value-added price inflation per pp of last quarter's output gap; Phillips curves estimated for large economies since the 2000s are flat (slopes of about 0.1-0.5 per pp of gap), and the calibration file has no estimate for China";
    goods_price_passthrough = 1.0, "share", [0.5, 1.5],
        "fitted (docs/calibration.md, prices): elasticity of producer goods' value-added prices to world import prices in yuan, scaled by each industry's producer-goods exposure e_j (coal, metals and chemicals are priced off world markets; consumer-goods makers price to the home market); value added is a margin, so with sticky costs it can move more than one for one (up to 1.5); with the Leontief cost push and the baseline's import-price path it gives PPI -2.6% (2023) and -2.5% (H1 2024) against -3.0% and -2.1% (NBS)";
    output_gap_2022 = -2.0, "% of potential output", [-3.0, -1.0],
        "derived: real growth 2020-2022 was 2.2%, 8.4% and 3.0% (NBS), 14.1% in all, against 15.8-17.4% at potential growth of 5.0-5.5% a year from a closed gap in 2019: a gap of -1.5% to -2.8% entering 2023; the output gap of the run's first quarter, 2022Q1";
    services_relative_price_growth = 4.0, "pp per year", [2.0, 5.0],
        "fitted (docs/calibration.md, prices): trend rise of services' value-added prices over goods' (Baumol 1967, AER 57(3): wages follow the productivity of goods makers, services' productivity grows slower, so services' relative price rises); the three price facts of 2023 and H1 2024 (CPI 0.2% and 0.1%, PPI -3.0% and -2.1%, deflator negative; NBS) need services' value added rising about 2 pp a year while producer goods' falls 3-6%: 4 with the gaps and world prices of the baseline; the calibration file has no sectoral deflator, so the range is wide";
    services_price_inertia = 0.75, "share per quarter", [0.5, 0.9],
        "assumption: share of last quarter's services inflation carried into this quarter's (services prices are mostly wages, set about once a year: 0.75 a quarter is a mean lag of three quarters); 0.5 is fast, 0.9 slow";
    goods_gap_slope = 0.3, "pp of inflation per pp of goods gap", [0.2, 1.0],
        "assumption: pp of annual value-added price inflation of producer goods per pp of last quarter's goods gap (industrial output against potential less the capacity overhang); producer-goods prices change more often than services' (Bils and Klenow 2004, JPE 112(5)), so it may be steeper than phillips_slope, up to 1; kept at phillips_slope because the goods gap is measured on output and reads a supply shock (inputs blocked by export controls) as slack: at 0.5 full decoupling costs China 6.5% by 2030 against 6.3% at 0.3, at 1.2 6.9%, as falling producer prices cut profits and raise real rates (docs/calibration.md)";
    manufacturing_capital_turnover = 0.15, "per year", [0.1, 0.2],
        "literature: q = δ + g, the investment rate of manufacturing capital on its trend path, which turns the growth of the manufacturing block's investment index into the capacity overhang of the goods gap (blocks/prices.rs); depreciation rates used for China's capital stock are 5-10% a year (Chow and Li 2002, Econ. Dev. and Cultural Change 51(1): 5.4%; Bai, Hsieh and Qian 2006, BPEA 2: 10%) and trend capital growth about 5% (potential growth)";
    overcapacity_absorption = 0.5, "share per year", [0.25, 1.0],
        "judgement: share of the capacity overhang (capital added by the rise of manufacturing investment over the last year) absorbed each year, by scrapping and by demand growing into it; China's last overcapacity episode kept the PPI negative for 54 months (March 2012 to August 2016, NBS) until the 2016 capacity cuts, a half-life of one to three years: 0.25 to 1 a year, 0.5 (half-life 1.4 years) between";
    local_nonland_revenue_share = 0.096, "share of GDP", [0.08, 0.12],
        "derived: land revenue 8.71 tn was 41.8% of local revenue in 2021 (MoF), so taxes plus transfers were 12.13 tn, 9.6% of 2023 GDP";
    local_transfer_share = 0.45, "share of non-land revenue", [0.3, 0.6],
        "assumption: central transfers in local non-land revenue (the rest are local taxes, which move with GDP)";
    local_planned_deficit = 3.0, "% of GDP", [2.0, 5.0],
        "assumption: borrowing local governments plan each year (new bond quota); no 2024 figure in the calibration file";
    local_debt_2023 = 40.74, "tn yuan", [40.74, 40.74],
        "MoF: statutory local government debt end-2023 (general 15.87 + special 24.87 tn); hidden debt, published later, is left out";
    local_debt_limit = 40.0, "% of GDP", [30.0, 50.0],
        "assumption: borrowing limit (the NPC quota) as a share of GDP; end-2023 debt was 32.3% of GDP (derived)";
    critical_input_min_share = 0.018, "share of intermediate inputs", [0.01, 0.05],
        "assumption: an input marked critical (κ ≥ 0.5 in [controls] critical) limits a user sector's output in Leontief fashion only where it is at least this share of the sector's intermediate inputs (world totals of the table); 0.018 takes in vehicles (C26 is 2.0% of their inputs in the default table; chip shortages stopped car plants in 2021) and leaves out users such as health and social services (1.5%) or farming, where a chip shortfall does not stop output";
    controls_precaution = 1.0, "share", [0.0, 1.0],
        "assumption: the engine's inventory floor of a lasting restriction: a buyer whose input flow restrictions cut by a share u (blocked less redirected) produces at most 1 - p u of its unconstrained output on that input's account from the first quarter, instead of running its stock down first (inventories buffer temporary disruptions, not a permanent cut); 0 is ARIO's rule (output holds until the stock runs out, then falls at once)";
    local_borrowing_pace = 0.25, "share per quarter", [0.1, 1.0],
        "assumption: share of the room left under the debt limit a quarter's deficit may use (quotas are allocated ahead, so borrowing slows before the limit rather than stopping at it); 1 is a hard limit";
    central_backstop_share = 0.7, "share", [0.4, 1.0],
        "assumption: share of the local spending gap near the debt limit that the central government covers (refinancing bonds 2023, the debt swaps; the Third Plenum's 'more central spending')", ~ Dist::Triangular { lo: 0.4, mode: 0.7, hi: 1.0 }, "a best value from the 2023-24 programmes and a range from partial to full backstop";
    local_cut_phase = 0.25, "share per quarter", [0.1, 0.5],
        "assumption: share of the distance to the target local cut closed each quarter (budgets are revised once a year, quotas allocated ahead)";
    local_cut_cap = 0.07, "% of annual GDP", [0.03, 0.5],
        "assumption: largest local spending cut per quarter, per cent of annual reference GDP (about 0.1 tn yuan a quarter in 2024; the centre steps in beyond it, as with the 2023 refinancing bonds and the 2024 swaps)";
    official_deficit_2024 = 3.0, "% of GDP", [3.0, 3.0],
        "Government work report, March 2024: official deficit 3% of GDP (4.06 tn yuan); the budget a scenario's [budget] departs from";
    central_debt_2023 = 30.03, "tn yuan", [30.03, 30.03],
        "MoF: central government debt end-2023 (statutory debt 70.77 tn, 56.1% of GDP: central 30.03, local 40.74)";
    ultra_long_to_infrastructure = 0.7, "share", [0.4, 0.9],
        "assumption: share of ultra-long special treasury bond spending on infrastructure (the 2024 bonds fund 'major strategies and security capacity' projects, Government work report, March 2024)";
    ultra_long_to_equipment = 0.2, "share", [0.0, 0.3],
        "assumption: share of ultra-long bond spending on equipment renewal (the March 2024 State Council action plan on equipment renewal and consumer trade-ins); the rest of the bonds' spending after infrastructure and equipment goes to consumer trade-ins";
    bond_spending_rate = 0.35, "share per quarter", [0.2, 0.6],
        "assumption: share of bond money issued and not yet spent that projects disburse each quarter (mean lag of about two quarters)";
    local_interest_rate = 4.0, "% per year", [3.0, 7.0],
        "calibration file: LGFV bonds ~4.7%, old local debt 6.5-7% (2015 figures; no 2024 figure); statutory bonds pay less";
    swap_interest_rate = 2.5, "% per year", [2.0, 3.5],
        "assumption: rate on refinancing bonds that replace swapped debt";
    spending_smoothing = 0.75, "weight per quarter", [0.5, 0.9],
        "assumption: weight of last quarter's smoothed revenue in the revenue local governments plan spending on";
    local_spending_to_consumption = 0.5, "share", [0.3, 0.7],
        "assumption: share of a change (or cut) in local spending that falls on government consumption; the rest falls on infrastructure investment";
    fdi_2023 = 33.0, "USD bn per year", [33.0, 180.0],
        "SAFE: inward direct investment 2023 (~$33 bn, -82%); MOFCOM's actual use of foreign capital was ~$160 bn";
    fdi_openness_semi_elasticity = 0.5, "ln FDI per index point", [0.2, 1.0],
        "assumption: FDI rises by e^(0.5)-1 = 65% when the openness index rises by 1 (one index point = the 2021-2023 swing in policy signals)";
    fdi_risk_semi_elasticity = 0.7, "ln FDI per index point", [0.3, 1.5],
        "assumption: FDI falls by 1-e^(-0.7) = 50% when the geopolitical-risk index rises by 1; the 2021-2023 fall from $344 bn to $33 bn (SAFE) is about 2.3 log points";
    fdi_capital_output_ratio = 2.5, "years of output", [1.5, 4.0],
        "assumption: capital per unit of annual output of FDI-built capacity";
    fdi_capacity_lag = 6.0, "quarters", [2.0, 12.0],
        "assumption: quarters before FDI becomes capacity";
    yuan_per_usd = 7.24, "yuan per USD", [6.7, 7.3],
        "derived: Big Fund III 344 bn yuan is ~$47.5 bn (Caixin, Yicai)";
    sr_capital_output_ratio = 3.0, "years of output", [2.0, 5.0],
        "assumption: capital per unit of annual output in chips and chip tools (fabs are capital-intensive)";
    sr_technology_yield = 0.6, "share", [0.3, 0.9],
        "assumption: output per unit of capacity relative to the frontier (the technology gap: 7 nm without EUV, TechInsights Sep 2023)";
    sr_lag = 8.0, "quarters", [4.0, 16.0],
        "assumption: quarters from spending to capacity (building and equipping a fab)";
    fdi_controls_semi_elasticity = 5.0, "ln FDI per unit share of controlled imports blocked", [2.0, 10.0],
        "judgement (IMF WEO Apr 2023 ch. 4: FDI concentrates among geopolitically aligned economies, most in strategic sectors): measures after 2023 that block a sixth of China's C26/C28 imports halve FDI; the 2022-23 rounds (1.5% blocked in the model) explain under a tenth of the 2022-23 fall of 1.70 log points";
    manufacturing_credit_elasticity = 0.23, "pp of investment growth per pp of loan growth", [0.1, 0.35],
        "fitted (docs/calibration.md, manufacturing investment): pp of annual growth of manufacturing investment over potential per pp of growth of manufacturing medium- and long-term loans above the reference, a year earlier. Loans grew 41.6% (end-June 2021, PBoC via SCIO), 29.6% (end-June 2022, derived: the end-June 2023 figure, 40.3%, was 10.7 pp above it, PBoC via Xinhua) and 40.3% (end-June 2023; end-2023 31.9%, PBoC via SCIO); manufacturing fixed-asset investment grew 6.5% in 2023 and 9.5% in H1 2024 (NBS, nominal; with PPI -3.0% and -2.1% about 8% and 11.5% real, 3 and 6.5 pp over potential): net of the profit (θ_π 0.15) and renewal terms, 2023 alone (on 2022's loans) gives 0.20 and H1 2024 (on 2023's) 0.22; 0.23 leans to the recent year; 2022 (9.1% nominal, lockdowns) would give less";
    manufacturing_credit_reference = 12.0, "% per year", [10.0, 14.0],
        "derived: growth of manufacturing loans at which manufacturing investment keeps pace with potential output, taken as the growth of all yuan loans: 12.3% (end-June 2021, PBoC via SCIO) and 10.6% (end-2023, PBoC via SCIO)";
    manufacturing_profit_elasticity = 0.15, "pp of investment growth per pp of PPI inflation", [0.0, 0.4],
        "assumption: industrial profits move with output prices (PPI), and investment with profits; pp of annual growth of manufacturing investment over potential per pp of last quarter's PPI inflation y/y. Kept small: manufacturing investment rose 6.5% in 2023 and 9.5% in H1 2024 (NBS) while the PPI fell 3.0% and 2.1%, so credit, not margins, carried it; 0 is investment that ignores margins. The term amplifies output losses that lower prices through the gap (full decoupling costs China 0.1 pp more by 2030 at 0.15 than at 0, 0.7 pp more at 0.3)";
    lpr_neutral_real = 2.0, "% per year", [1.0, 3.0],
        "assumption: the real 1-year LPR (LPR less deflator inflation) at which the LPR rule is neutral and manufacturing credit grows at its reference (blocks/money.rs); estimates of China's neutral real policy rate before 2024 are about 1-2%, and the LPR lies above the policy rate (7-day reverse repo 1.8% against a 3.45% LPR in H1 2024, PBoC)";
    lpr_inflation_target = 2.0, "% per year", [1.5, 3.0],
        "assumption: deflator inflation the LPR rule aims at; the official CPI ceiling is higher (around 3%) and CPI ran at 2.0% (2022), 0.2% (2023) and 0.1% (H1 2024, NBS)";
    lpr_inflation_response = 0.5, "pp of rate per pp of inflation gap", [0.0, 1.5],
        "Taylor (1993): response of the target rate to inflation above its target, over and above one for one";
    lpr_gap_response = 0.5, "pp of rate per pp of output gap", [0.0, 1.0],
        "Taylor (1993): response of the target rate to the output gap";
    lpr_smoothing = 0.8, "share per quarter", [0.5, 0.95],
        "assumption: weight on last quarter's rate in the smoothed move (interest-rate smoothing in estimated rules is 0.7-0.9 a quarter); the PBoC moved the 1-year LPR four times in 2022-23 (PBoC)";
    lpr_step = 0.1, "pp", [0.05, 0.25],
        "PBoC: the 1-year LPR moved by 5 or 10 bp at a time in 2022-23 (3.70 to 3.65, 3.65 to 3.55, 3.55 to 3.45), at most once a quarter; the rule moves one step a quarter";
    lpr_floor = 2.0, "% per year", [1.5, 3.0],
        "assumption: lowest 1-year LPR (banks' margins: deposit rates near 1.5-2% cannot fall much further)";
    credit_rate_semi_elasticity = 0.25, "pp of loan growth per pp of real rate", [0.0, 1.0],
        "assumption: pp of desired growth of manufacturing medium- and long-term loans per pp of the real LPR above neutral (blocks/money.rs). Kept small: with the LPR at its floor (the baseline gets there by 2028), deflation raises the real rate with no offset, a debt-deflation spiral; at 1.0 full decoupling costs China 7.4% of 2030 GDP against 7.0% at 0.25 and 6.8% at 0 (tests/controls.rs)";
    credit_collateral_elasticity = 0.3, "pp of loan growth per pp of house-price growth", [0.0, 0.6],
        "assumption: collateral (financial accelerator): pp of desired loan growth per pp of house-price growth y/y; property is most of firms' and households' collateral";
    credit_adjustment = 0.3, "share per quarter", [0.15, 0.5],
        "assumption: share of the gap to desired loan growth closed each quarter; with the baseline's real rate and house prices it takes manufacturing loan growth from 40.3% (end-June 2023, PBoC; 31.9% end-2023) to 24% on average in 2024 (32% in Q1, 17% in Q4) and 13% in 2025";
    fx_rate_pressure = 2.0, "% depreciation per pp of rate differential", [0.0, 4.0],
        "judgement (blocks/fx.rs): the yuan's move per pp of narrower differential between China's 1-year LPR and foreign (US) policy rates, before management; uncovered interest parity over a one-year horizon gives 1% per pp, and the 2022-23 episode (US rates up about 5 pp, LPR down 0.25 pp, the yuan from about 6.4 to 7.1-7.3 per dollar, calibration file) gives about 2% per pp after management; 0 is a rate that ignores rates";
    fx_management = 0.5, "share per quarter", [0.2, 0.9],
        "judgement (blocks/fx.rs): share of the gap to the market's target the PBoC holds back each quarter (the fixing's counter-cyclical factor; the yuan stayed within 7.1-7.3 per dollar through 2023 and H1 2024, calibration file, while the differential widened); 0.9 is a near peg, 0.2 a float";
    fx_import_passthrough = 0.9, "share", [0.6, 1.0],
        "literature: pass-through of the exchange rate to import prices in the importer's currency within a year; most of China's imports are invoiced in US dollars, and with dollar invoicing it is near complete in the short run (Gopinath, Boz, Casas, Diez, Gourinchas and Plagborg-Moller 2020, AER 110(3), 'Dominant Currency Paradigm': about 0.8 after a year for non-dollar-invoiced trade too)";
    fx_trade_elasticity = 0.5, "% of trade volume per % of the rate", [0.2, 1.0],
        "literature: short-run price elasticity of trade volumes to the exchange rate; with dollar invoicing export prices barely move in the exporter's currency and volumes respond weakly within a year (Gopinath et al. 2020, AER 110(3)); short-run trade elasticities are 0.2-1 (Boehm, Levchenko and Pandalai-Nayar 2023, AER 113(4): about 0.76 after a year for tariffs)";
    household_product_tax_rate = 7.0, "% of households' purchases at basic prices", [6.5, 7.5],
        "derived (the default table's source, OECD national input-output table of China 2022, CC BY 4.0): net product taxes on households' final consumption (TXS_INT_FNL in the HFCE column, USD 423.8 bn) over that column at basic prices (USD 6,064.6 bn): 6.99%; the default table's builder drops the taxes of final-use columns, so the consumption share adds them back (blocks/households.rs); range: rounding and the taxes' drift with the consumption mix";
    final_product_tax_share = 4.54, "% of GDP at basic prices plus taxes on intermediate use", [4.0, 5.0],
        "derived (OECD national input-output table of China 2022): net product taxes on all final uses (USD 780.4 bn) over the default table's GDP (value added plus net product taxes on intermediate use, USD 17,182.8 bn): 4.54%; with them GDP is at market prices (USD 17,963.2 bn), the denominator of the NBS consumption share; range: rounding and the drift of the final-demand mix";
    housing_wealth_elasticity = 0.1, "% consumption per % of house prices", [0.0, 0.2],
        "literature before 2024: elasticity of household consumption to house prices; 0.165 for China's urban households as a whole (Yan 2018, J. Applied Finance & Banking 8(6), household survey data: positive for owners, negative for renters), positive on CFPS panels 2010-18 (Wu and Chen 2020, AJIBM 10) but not significant on macro data 2013-18 (Li 2019, Ottawa MA paper), and negative (-0.9) on 2011-13 card data where rising prices made buyers save (Waxman et al. 2018, SSRN 3244054); housing is 64-70% of household assets in 2013-19 (as cited by Wu and Chen 2020 and Zheng et al.); 0.1 between the aggregate estimates, 0 to 0.2 their spread";
    lpr5_spread = 0.5, "pp", [0.3, 0.9],
        "PBoC: the 5-year LPR over the 1-year, end of quarter, was 0.90 (Jan 2022), 0.75 (May 2022), 0.65 (Aug 2022 to May 2023), 0.65 (Jun 2023), 0.75 (Aug 2023 to Jan 2024) and 0.50 from 20 Feb 2024, when the 5-year alone was cut by 25 bp to support housing (3.95% against 3.45%, calibration file); the long-run spread σ̄ the 5-year moves to after 2024Q2 (blocks/propcredit.rs), kept at the 2024 spread; 0.3 to 0.9 the 2022-24 spreads and a little more room below";
    lpr5_spread_adjustment = 0.25, "share per quarter", [0.1, 0.5],
        "assumption: share of the distance of the 5-year LPR's spread over the 1-year to σ̄ closed each quarter; the PBoC moved the spread four times in the ten quarters of 2022-24 (PBoC)";
    mortgage_spread = -0.25, "pp", [-0.4, 0.0],
        "PBoC (China Monetary Policy Reports, Q4 2023 and Q1 2024): new individual housing loans paid 3.97% on average in Dec 2023 and 3.71% in Mar 2024, against a 5-year LPR of 4.20% and 3.95%: -0.23 and -0.24 pp; the national floor for first homes had been the LPR less 20 bp since May 2022 (PBoC and CBIRC), cities below it could go lower; 0 is a mortgage at the LPR";
    mortgage_floor_removal = -0.2, "pp", [-0.4, 0.0],
        "assumption: fall of the average new mortgage's spread over the 5-year LPR once the national floor on mortgage rates was removed and the minimum down payment cut to 15% (17 May 2024 package, calibration file): half in 2024Q2 (in force half the quarter), all from 2024Q3; the removed floor was the LPR less 20 bp for first homes, so banks competing at it can go about as far again; 0 is a package that moved no rate";
    mortgage_rate_semi_elasticity = 5.0, "% of sales per pp of mortgage rate", [2.0, 10.0],
        "literature (before July 2024) and judgement: % change of housing sales per pp of the mortgage rate (its part of the user cost; not deflated by the GDP deflator, see blocks/propcredit.rs), after the adjustment (blocks/propcredit.rs). A pp of mortgage rate changes the size of a mortgage by 2-3% (DeFusco and Paciorek 2017, AEJ: Economic Policy 9(1), US bunching at the conforming-loan limit) and buyers' willingness to pay by about 3% (Fuster and Zafar 2021, AEJ: Economic Policy 13(1), a 2 pp rise lowers it by about 5.6%); sales move more than loan size (some buyers leave the market), and in China, with 15-30% down payments and most buyers borrowing, 2 to 10% per pp; the Rogoff and Yang (2020, NBER WP 27697) check of the property sector's weight in GDP is in docs/calibration.md";
    sales_price_expectation_elasticity = 0.5, "% of sales per pp of expected house-price growth", [0.0, 1.5],
        "judgement: % change of housing sales per pp of expected house-price growth (adaptive: last quarter's house-price growth y/y, [property] price_growth with the channel's price departure). In the user cost of housing expected appreciation offsets the mortgage rate one for one (Poterba 1984, QJE 99(4)), which would make it ε_m; one year's price change is a weak forecast of the next, so it is weighted by a tenth of ε_m; 0 is buyers who ignore prices, 1.5 a strong extrapolation";
    sales_adjustment = 0.35, "share per quarter", [0.2, 0.6],
        "assumption: share of the distance to desired sales closed each quarter (a buyer takes months from search to a signed contract and a mortgage): a mean lag of about two quarters";
    developer_credit_rate_semi_elasticity = 0.5, "pp of loan growth per pp of real rate", [0.0, 1.0],
        "assumption: pp of developers' loan growth per pp of the real 1-year LPR above its 2024Q2 value (the manufacturing loans' credit_rate_semi_elasticity is 0.25 on 0 to 1; developers' loans are priced off the same LPR); 0 is loans that ignore rates";
    developer_credit_collateral_elasticity = 1.0, "pp of loan growth per pp of house-price growth", [0.3, 1.5],
        "literature: developers' loans are secured on land and unsold homes, so under a loan-to-value limit the loans a developer can raise move with the value of the collateral one for one (Kiyotaki and Moore 1997, JPE 105(2); Bernanke, Gertler and Gilchrist 1999, Handbook of Macroeconomics 1C: the financial accelerator); pp of developers' loan growth per pp of house-price growth y/y; 0.3 banks lending on cash flows, 1.5 loan-to-value limits that tighten as prices fall";
    developer_credit_adjustment = 0.3, "share per quarter", [0.15, 0.5],
        "assumption: share of the distance to developers' desired loan growth closed each quarter, as credit_adjustment for manufacturing loans";
    developer_loan_growth_2023 = -9.9, "% y/y", [-9.9, -9.9],
        "NBS (17 Jan 2024, national real-estate development 2023): domestic loans in developers' funds 1.57 tn yuan, -9.9%; the exogenous part of developers' loan growth, from which the channel's departure is reported";
    presale_share_of_developer_funds = 0.51, "share", [0.45, 0.55],
        "derived (NBS, 17 Jan 2024): of developers' funds of 12.75 tn yuan in 2023, deposits and advance payments 4.32 tn and individual mortgages 2.15 tn are paid by buyers (pre-sales): 50.7%; range: the 2022-23 drift";
    loan_share_of_developer_funds = 0.12, "share", [0.1, 0.45],
        "derived (NBS, 17 Jan 2024): domestic loans were 1.57 tn yuan of developers' funds of 12.75 tn in 2023, 12.3%; up to 0.45 if developers' own funds (4.20 tn, 33%: bonds, trust and other borrowing on the same collateral) move with credit too";
    property_funds_elasticity = 1.0, "% of investment per % of funds", [0.5, 1.0],
        "assumption: developers spend what funds they raise (investment and funds fell together: -9.6% and -13.6% in 2023, NBS); 0.5 developers that first pay down debts and suppliers";
    property_investment_adjustment = 0.5, "share per quarter", [0.25, 1.0],
        "assumption: share of the distance to the investment funds allow closed each quarter (construction resumes or stops with the cash; mean lag about a quarter); 1 is investment that follows funds within the quarter";
    house_price_sales_elasticity = 0.25, "% of house prices per % of sales", [0.0, 0.4],
        "derived and judgement (blocks/propcredit.rs): the inverse price elasticity of the short-run market for homes, the % by which house prices depart from the scenario's path per % by which sales (demand) depart from theirs, with the stock of homes given (DiPasquale and Wheaton 1992, J. Urban Economics 32(2): prices clear the stock in the short run). On the calibration file's figures (NBS), price (sales value over floor area sold) and floor area sold moved together: -5.3% with -24.3% (2022), +2.2% with -8.5% (2023), -7.4% with -19.0% (H1 2024), a least-squares slope of 0.54; that ratio carries a mix effect (fewer sales in dear cities lower it with volume) and the two moved on common shocks, so it overstates the response: 0.25 about half of it. The upper end 0.4 is also the stability limit: at the ends of the other ranges (sales_price_expectation_elasticity 1.5, fast adjustments) 0.6 makes the expectations loop cycle with a growing amplitude (tests/propcredit.rs), 0.4 a damped one; 0 is prices that ignore sales (the channel with prices an input). Magnitudes recalled from memory, not in the calibration file: housing supply elasticities of about 1-3 for US metros (Saiz 2010, QJE) give inverse elasticities of 0.3-1";
    house_price_adjustment = 0.25, "share per quarter", [0.1, 0.5],
        "assumption: share of the distance to the price the sales departure sets closed each quarter (developers' list prices, and local governments' price guidance for new homes, move slowly: a mean lag of about three quarters; house prices adjust slowly to demand, Case and Shiller 1989, recalled from memory); 0.5 prices that adjust within two quarters";
}

/// Looks a parameter's row up by name.
pub fn param_def(name: &str) -> Option<&'static ParamDef> {
    PARAMS.iter().find(|p| p.name == name)
}

/// The parameter table as markdown (the one docs/calibration.md shows).
pub fn markdown_table() -> String {
    let mut s = String::from(
        "| name | value | unit | plausible range | distribution | source |\n|---|---|---|---|---|---|\n",
    );
    for p in PARAMS {
        let dist = if p.min < p.max {
            format!("{}: {}", p.dist.describe(), p.why)
        } else {
            "fixed (a published figure)".to_string()
        };
        s.push_str(&format!(
            "| `{}` | {} | {} | {} to {} | {} | {} |\n",
            p.name, p.value, p.unit, p.min, p.max, dist, p.source
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_lie_in_their_ranges_and_names_are_unique() {
        let mut names = std::collections::BTreeSet::new();
        for p in PARAMS {
            assert!(p.min <= p.value && p.value <= p.max, "{}", p.name);
            assert!(names.insert(p.name), "duplicate {}", p.name);
            assert!(!p.source.is_empty() && !p.unit.is_empty());
            // The row's distribution lives on its plausible range.
            p.dist.validate().unwrap();
            assert_eq!(p.dist.bounds(), (p.min, p.max), "{}", p.name);
        }
        let mut q = Params::defaults();
        assert!(q.set("mpc_labour", 0.5));
        assert_eq!(q.get("mpc_labour"), Some(0.5));
        assert!(!q.set("nope", 1.0));
        assert_eq!(q.to_vec().len(), PARAMS.len());
    }
}
