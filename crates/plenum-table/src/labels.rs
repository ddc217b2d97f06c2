//! Labels of a table: regions, sectors, final-demand categories and
//! value-added components, and the region-major index arithmetic that ties
//! them to matrix rows and columns.
//!
//! Industry `(r, s)` sits at row/column `r * n_sectors + s` of Z; final-demand
//! column `(r, f)` sits at column `r * n_fd_categories + f` of Y. Every
//! region has the same sectors and the same final-demand categories, as in
//! pymrio, WIOD and the OECD ICIO.

use serde::{Deserialize, Serialize};

use crate::error::TableError;

/// The label sets of a table. Construct with [`Labels::new`], which rejects
/// empty and duplicate labels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Labels {
    regions: Vec<String>,
    sectors: Vec<String>,
    fd_categories: Vec<String>,
    va_components: Vec<String>,
}

/// One industry: a sector in a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Industry {
    pub region: usize,
    pub sector: usize,
}

fn check_unique(kind: &'static str, labels: &[String]) -> Result<(), TableError> {
    if labels.is_empty() && kind != "value-added component" {
        return Err(TableError::EmptyLabels { kind });
    }
    let mut seen = std::collections::HashMap::with_capacity(labels.len());
    for (i, l) in labels.iter().enumerate() {
        if l.trim().is_empty() {
            return Err(TableError::BlankLabel { kind, position: i });
        }
        // A label is printed to terminals, CSV and HTML: an escape sequence
        // in it would drive the user's terminal (issue 14, defect 7).
        if l.chars().any(char::is_control) {
            return Err(TableError::ControlInLabel {
                kind,
                position: i,
                label: crate::message::printable(l),
            });
        }
        if let Some(first) = seen.insert(l.as_str(), i) {
            return Err(TableError::DuplicateLabel {
                kind,
                label: l.clone(),
                first,
                second: i,
            });
        }
    }
    Ok(())
}

impl Labels {
    /// Checks that regions, sectors and final-demand categories are non-empty
    /// and that no set holds a label twice. Value-added components may be
    /// empty (a table with no value-added block).
    pub fn new(
        regions: Vec<String>,
        sectors: Vec<String>,
        fd_categories: Vec<String>,
        va_components: Vec<String>,
    ) -> Result<Self, TableError> {
        check_unique("region", &regions)?;
        check_unique("sector", &sectors)?;
        check_unique("final-demand category", &fd_categories)?;
        check_unique("value-added component", &va_components)?;
        Ok(Self {
            regions,
            sectors,
            fd_categories,
            va_components,
        })
    }

    pub fn regions(&self) -> &[String] {
        &self.regions
    }
    pub fn sectors(&self) -> &[String] {
        &self.sectors
    }
    pub fn fd_categories(&self) -> &[String] {
        &self.fd_categories
    }
    pub fn va_components(&self) -> &[String] {
        &self.va_components
    }
    pub fn n_regions(&self) -> usize {
        self.regions.len()
    }
    pub fn n_sectors(&self) -> usize {
        self.sectors.len()
    }
    /// Number of industries n = regions × sectors: the order of Z.
    pub fn n_industries(&self) -> usize {
        self.regions.len() * self.sectors.len()
    }
    pub fn n_fd_categories(&self) -> usize {
        self.fd_categories.len()
    }
    /// Number of final-demand columns of Y = regions × categories.
    pub fn n_fd_columns(&self) -> usize {
        self.regions.len() * self.fd_categories.len()
    }
    /// Row/column of industry `(region, sector)` in Z.
    pub fn industry_index(&self, region: usize, sector: usize) -> usize {
        region * self.sectors.len() + sector
    }
    /// The industry at row/column `i` of Z.
    pub fn industry(&self, i: usize) -> Industry {
        Industry {
            region: i / self.sectors.len(),
            sector: i % self.sectors.len(),
        }
    }
    /// A readable name for industry `i`, `REGION/SECTOR`.
    pub fn industry_name(&self, i: usize) -> String {
        let ind = self.industry(i);
        format!("{}/{}", self.regions[ind.region], self.sectors[ind.sector])
    }
    /// A readable name for final-demand column `j`, `REGION/CATEGORY`.
    pub fn fd_column_name(&self, j: usize) -> String {
        let nf = self.fd_categories.len();
        format!("{}/{}", self.regions[j / nf], self.fd_categories[j % nf])
    }
    pub fn region_index(&self, name: &str) -> Option<usize> {
        self.regions.iter().position(|r| r == name)
    }
    pub fn sector_index(&self, name: &str) -> Option<usize> {
        self.sectors.iter().position(|s| s == name)
    }
    pub fn fd_category_index(&self, name: &str) -> Option<usize> {
        self.fd_categories.iter().position(|s| s == name)
    }
    /// Like [`Labels::region_index`] but an error that lists the valid names.
    pub fn require_region(&self, name: &str) -> Result<usize, TableError> {
        self.region_index(name)
            .ok_or_else(|| TableError::UnknownLabel {
                kind: "region",
                label: name.to_string(),
                valid: self.regions.clone(),
            })
    }
    /// Like [`Labels::sector_index`] but an error that lists the valid names.
    pub fn require_sector(&self, name: &str) -> Result<usize, TableError> {
        self.sector_index(name)
            .ok_or_else(|| TableError::UnknownLabel {
                kind: "sector",
                label: name.to_string(),
                valid: self.sectors.clone(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn region_major_indexing() {
        let l = Labels::new(s(&["A", "B"]), s(&["x", "y", "z"]), s(&["hh"]), vec![]).unwrap();
        assert_eq!(l.industry_index(1, 2), 5);
        assert_eq!(
            l.industry(5),
            Industry {
                region: 1,
                sector: 2
            }
        );
        assert_eq!(l.industry_name(4), "B/y");
        assert_eq!(l.n_fd_columns(), 2);
    }

    #[test]
    fn duplicate_label_is_named() {
        let e = Labels::new(s(&["A", "A"]), s(&["x"]), s(&["hh"]), vec![]).unwrap_err();
        assert!(e.to_string().contains("\"A\""), "{e}");
    }

    #[test]
    fn unknown_region_lists_valid() {
        let l = Labels::new(s(&["CHN", "USA"]), s(&["x"]), s(&["hh"]), vec![]).unwrap();
        let e = l.require_region("CHM").unwrap_err().to_string();
        assert!(
            e.contains("CHN") && e.contains("USA") && e.contains("CHM"),
            "{e}"
        );
    }
}
