//! Named groups of economies, economy partitions and industry selections.
//!
//! * [`RegionGroup`]: a named list of region labels, read from a small TOML
//!   file (`name = "..."`, `regions = ["USA", ...]`) or a CSV/plain list
//!   (one label per line or comma-separated, `#` comments, optional header
//!   `region`). The default is the chip-export-control coalition
//!   USA, JPN, NLD, KOR, TWN, DEU. Labels are checked against a table with
//!   [`RegionGroup::resolve`], whose error lists the valid regions.
//! * [`Economies`]: a partition of the table's regions into the economies
//!   that trade accounting works with. By default every region is its own
//!   economy; merging regions (e.g. an ICIO's CN1/CN2 processing split, or
//!   a bloc such as NAFTA) makes flows inside the group domestic.
//! * [`Selection`]: a set of industries (regions × sectors), the object of
//!   the self-reliance indicators.

use std::collections::BTreeMap;

use plenum_table::Labels;

use crate::error::GvcError;

/// The coalition of the 2022–2023 semiconductor export controls.
pub const CHIP_COALITION: [&str; 6] = ["USA", "JPN", "NLD", "KOR", "TWN", "DEU"];

/// A named set of region labels, with where each label was written (for
/// error messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionGroup {
    pub name: String,
    /// Region labels, in the order given.
    pub regions: Vec<String>,
    source_name: String,
    /// (line, column), 1-based, of each label in the source.
    positions: Vec<(usize, usize)>,
}

pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |s| s.chars().count()) + 1;
    (line, col)
}

impl Default for RegionGroup {
    fn default() -> Self {
        Self::chip_coalition()
    }
}

impl RegionGroup {
    /// USA, JPN, NLD, KOR, TWN, DEU.
    pub fn chip_coalition() -> Self {
        Self {
            name: "chip-coalition".into(),
            regions: CHIP_COALITION.iter().map(|s| s.to_string()).collect(),
            source_name: "<built-in chip coalition>".into(),
            positions: (0..CHIP_COALITION.len()).map(|i| (1, i + 1)).collect(),
        }
    }

    /// A group from labels given in code.
    pub fn from_labels(name: &str, regions: &[&str]) -> Result<Self, GvcError> {
        if regions.is_empty() {
            return Err(GvcError::Empty {
                what: format!("region group \"{name}\""),
                kind: "region",
            });
        }
        Ok(Self {
            name: name.into(),
            regions: regions.iter().map(|s| s.to_string()).collect(),
            source_name: format!("<group {name}>"),
            positions: (0..regions.len()).map(|i| (1, i + 1)).collect(),
        })
    }

    /// Parses a group file, TOML if it has a `regions =` key, otherwise a
    /// CSV/plain list. `source_name` (usually the path) goes into errors.
    pub fn parse(text: &str, source_name: &str) -> Result<Self, GvcError> {
        let looks_toml = text.lines().any(|l| {
            let t = l.trim_start();
            t.starts_with("regions") && t[7..].trim_start().starts_with('=')
        });
        if looks_toml {
            Self::parse_toml(text, source_name)
        } else {
            Self::parse_csv(text, source_name)
        }
    }

    /// `name = "..."` (optional) and `regions = ["USA", ...]`.
    pub fn parse_toml(text: &str, source_name: &str) -> Result<Self, GvcError> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct File {
            name: Option<String>,
            regions: Vec<toml::Spanned<String>>,
        }
        let f: File = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
            GvcError::Parse {
                source_name: source_name.into(),
                line,
                column,
                message: e.message().to_string(),
                expected: "a TOML table with `regions = [\"USA\", \"JPN\"]` and optionally `name = \"...\"`".into(),
                hint: "See docs/gvc.md, section \"Group files\".".into(),
            }
        })?;
        if f.regions.is_empty() {
            return Err(GvcError::Empty {
                what: format!("region list of {source_name}"),
                kind: "region",
            });
        }
        let positions = f
            .regions
            .iter()
            .map(|s| line_col(text, s.span().start + 1))
            .collect();
        Ok(Self {
            name: f.name.unwrap_or_else(|| source_name.to_string()),
            regions: f.regions.into_iter().map(|s| s.into_inner()).collect(),
            source_name: source_name.into(),
            positions,
        })
    }

    /// One label per line or comma-separated; `#` starts a comment; a first
    /// field `region` (any case) is a header and skipped.
    pub fn parse_csv(text: &str, source_name: &str) -> Result<Self, GvcError> {
        let mut regions = Vec::new();
        let mut positions = Vec::new();
        for (li, line) in text.lines().enumerate() {
            let content = line.split('#').next().unwrap_or("");
            let mut offset = 0;
            for field in content.split(',') {
                let start = offset + (field.len() - field.trim_start().len());
                offset += field.len() + 1;
                let label = field.trim().trim_matches('"').trim();
                if label.is_empty() {
                    continue;
                }
                if regions.is_empty() && label.eq_ignore_ascii_case("region") {
                    continue;
                }
                if label.contains(char::is_whitespace) {
                    return Err(GvcError::Parse {
                        source_name: source_name.into(),
                        line: li + 1,
                        column: start + 1,
                        message: format!("\"{label}\" holds a space"),
                        expected:
                            "region labels such as USA or TWN, one per line or separated by commas"
                                .into(),
                        hint: "Put each label on its own line or separate them with commas.".into(),
                    });
                }
                regions.push(label.to_string());
                positions.push((li + 1, start + 1));
            }
        }
        if regions.is_empty() {
            return Err(GvcError::Empty {
                what: format!("region list of {source_name}"),
                kind: "region",
            });
        }
        Ok(Self {
            name: source_name.into(),
            regions,
            source_name: source_name.into(),
            positions,
        })
    }

    /// Region indices in the table, in the order given, duplicates dropped.
    /// An unknown label is an error naming its line and column and listing
    /// the table's regions.
    pub fn resolve(&self, labels: &Labels) -> Result<Vec<usize>, GvcError> {
        let mut out = Vec::with_capacity(self.regions.len());
        for (k, r) in self.regions.iter().enumerate() {
            match labels.region_index(r) {
                Some(i) => {
                    if !out.contains(&i) {
                        out.push(i)
                    }
                }
                None => {
                    let (line, column) = self.positions.get(k).copied().unwrap_or((1, 1));
                    return Err(GvcError::UnknownLabel {
                        source_name: self.source_name.clone(),
                        line,
                        column,
                        kind: "region",
                        label: r.clone(),
                        valid: labels.regions().to_vec(),
                    });
                }
            }
        }
        Ok(out)
    }
}

fn unknown(kind: &'static str, label: &str, valid: &[String]) -> GvcError {
    GvcError::UnknownLabel {
        source_name: "<argument>".into(),
        line: 1,
        column: 1,
        kind,
        label: label.to_string(),
        valid: valid.to_vec(),
    }
}

/// A partition of the table's regions into economies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Economies {
    names: Vec<String>,
    /// Regions of each economy, ascending.
    members: Vec<Vec<usize>>,
    /// Economy of each region.
    of_region: Vec<usize>,
}

impl Economies {
    /// Every region its own economy.
    pub fn regions(labels: &Labels) -> Self {
        let nr = labels.n_regions();
        Self {
            names: labels.regions().to_vec(),
            members: (0..nr).map(|r| vec![r]).collect(),
            of_region: (0..nr).collect(),
        }
    }

    /// Merges the regions of each `(name, regions)` group into one economy;
    /// every other region stays its own economy. Economies are ordered by
    /// their first region in the table.
    pub fn with_groups(labels: &Labels, groups: &[(&str, &[&str])]) -> Result<Self, GvcError> {
        let nr = labels.n_regions();
        let mut assigned: Vec<Option<usize>> = vec![None; nr];
        for (g, (name, regions)) in groups.iter().enumerate() {
            if regions.is_empty() {
                return Err(GvcError::Empty {
                    what: format!("economy \"{name}\""),
                    kind: "region",
                });
            }
            for r in regions.iter() {
                let i = labels
                    .region_index(r)
                    .ok_or_else(|| unknown("region", r, labels.regions()))?;
                if let Some(prev) = assigned[i] {
                    if prev != g {
                        return Err(GvcError::RegionInTwoEconomies {
                            region: r.to_string(),
                            first: groups[prev].0.to_string(),
                            second: name.to_string(),
                        });
                    }
                }
                assigned[i] = Some(g);
            }
        }
        // Economies in order of their first region; a group's code is
        // nr + g so that it cannot clash with a lone region's index.
        let mut names = Vec::new();
        let mut members: Vec<Vec<usize>> = Vec::new();
        let mut slot_of_code: BTreeMap<usize, usize> = BTreeMap::new();
        let mut of_region = vec![0; nr];
        for (r, a) in assigned.iter().enumerate() {
            let code = a.map_or(r, |g| g + nr);
            let e = *slot_of_code.entry(code).or_insert_with(|| {
                names.push(match a {
                    Some(g) => groups[*g].0.to_string(),
                    None => labels.regions()[r].clone(),
                });
                members.push(Vec::new());
                names.len() - 1
            });
            of_region[r] = e;
            members[e].push(r);
        }
        Ok(Self {
            names,
            members,
            of_region,
        })
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
    pub fn names(&self) -> &[String] {
        &self.names
    }
    pub fn members(&self, e: usize) -> &[usize] {
        &self.members[e]
    }
    pub fn of_region(&self, r: usize) -> usize {
        self.of_region[r]
    }
    pub fn index(&self, name: &str) -> Result<usize, GvcError> {
        self.names
            .iter()
            .position(|n| n == name)
            .ok_or_else(|| unknown("economy", name, &self.names))
    }
    /// Industries of economy `e`, ascending.
    pub fn industries(&self, labels: &Labels, e: usize) -> Vec<usize> {
        let ns = labels.n_sectors();
        let mut v = Vec::with_capacity(self.members[e].len() * ns);
        for &r in &self.members[e] {
            v.extend(r * ns..(r + 1) * ns);
        }
        v
    }
}

/// A set of industries (regions × sectors) of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    pub regions: Vec<usize>,
    pub sectors: Vec<usize>,
}

impl Selection {
    /// `sectors = None` means all sectors. Labels are checked.
    pub fn new(
        labels: &Labels,
        regions: &[&str],
        sectors: Option<&[&str]>,
    ) -> Result<Self, GvcError> {
        if regions.is_empty() {
            return Err(GvcError::Empty {
                what: "selection".into(),
                kind: "region",
            });
        }
        let mut rs = Vec::new();
        for r in regions {
            let i = labels
                .region_index(r)
                .ok_or_else(|| unknown("region", r, labels.regions()))?;
            if !rs.contains(&i) {
                rs.push(i);
            }
        }
        let mut ss = match sectors {
            None => (0..labels.n_sectors()).collect(),
            Some(list) => {
                if list.is_empty() {
                    return Err(GvcError::Empty {
                        what: "selection".into(),
                        kind: "sector",
                    });
                }
                let mut ss = Vec::new();
                for s in list {
                    let i = labels
                        .sector_index(s)
                        .ok_or_else(|| unknown("sector", s, labels.sectors()))?;
                    if !ss.contains(&i) {
                        ss.push(i);
                    }
                }
                ss
            }
        };
        rs.sort_unstable();
        ss.sort_unstable();
        Ok(Self {
            regions: rs,
            sectors: ss,
        })
    }

    /// All sectors of the given region indices.
    pub fn of_regions(labels: &Labels, regions: &[usize]) -> Self {
        let mut rs = regions.to_vec();
        rs.sort_unstable();
        rs.dedup();
        Self {
            regions: rs,
            sectors: (0..labels.n_sectors()).collect(),
        }
    }

    /// Industry indices, ascending.
    pub fn industries(&self, labels: &Labels) -> Vec<usize> {
        let mut v = Vec::with_capacity(self.regions.len() * self.sectors.len());
        for &r in &self.regions {
            for &s in &self.sectors {
                v.push(labels.industry_index(r, s));
            }
        }
        v
    }

    pub fn contains_region(&self, r: usize) -> bool {
        self.regions.binary_search(&r).is_ok()
    }
}
