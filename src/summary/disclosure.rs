//! Disclosure control: every table leaves the core through [`protect`], and nothing else
//! turns a raw table into something shown.
//!
//! - A count of 1 to k-1 is hidden ("<k").
//! - Complementary suppression: a table with its totals is a grid in which every row and
//!   every column adds up (the totals taken with the opposite sign), so the hidden cells can
//!   be moved around any cycle of hidden cells without changing what is shown, and a hidden
//!   cell is recoverable exactly when it lies on no such cycle (it is a bridge of the graph of
//!   hidden cells between rows and columns). Each such cell gets the cheapest path of further
//!   hidden cells that closes a cycle through it (the smallest counts, never a zero).
//! - A percentage only when its group is at least 20 and both the count and the rest are at
//!   least k.
//! - Public tables are perturbed by the cell-key method: each woman's random key, summed over
//!   the women of a cell, picks the cell's noise, so the same women always give the same
//!   figure.

use std::collections::{BTreeMap, BinaryHeap, VecDeque};

use serde::{Deserialize, Serialize};

use super::indicators::{RawTable, Tally, Unit};

/// The label of a margin: every category of that dimension together.
pub const TOTAL: &str = "total";
/// The smallest threshold anyone may ask for.
pub const MIN_K: u32 = 5;
/// The threshold of sensitive attributes (gender identity, ethnicity, nationality).
pub const SENSITIVE_K: u32 = 10;
/// The smallest group a percentage is given for.
pub const MIN_DENOMINATOR: u64 = 20;

/// One shown cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SummaryCell {
    /// Each dimension's category, or `total`.
    pub labels: BTreeMap<String, String>,
    /// None when hidden.
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub count: Option<u64>,
    /// What to print: the count, or `<k`.
    pub display: String,
    /// The share of its group, in percent with one decimal, when the rule allows it.
    pub percent: Option<f64>,
}

/// One protected table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SummaryTable {
    pub indicator: String,
    pub unit: String,
    /// Its dimensions: the indicator's own categories, then the breakdown.
    pub breakdowns: Vec<String>,
    /// The threshold this table used.
    pub k: u32,
    pub sensitive: bool,
    pub cells: Vec<SummaryCell>,
}

/// How a table is protected.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rules {
    pub k: u32,
    /// Perturb the shown counts (public summaries).
    pub perturb: bool,
}

/// The augmented grid of a table: interior cells, each row's and column's total, the total.
struct Grid {
    rows: usize,
    cols: usize,
    /// (rows + 1) × (cols + 1), the last row and column the totals.
    tally: Vec<Tally>,
}

impl Grid {
    fn at(&self, row: usize, col: usize) -> usize {
        row * (self.cols + 1) + col
    }
}

/// Protects one table. `unit` and `sensitive` are the indicator's.
pub(crate) fn protect(raw: &RawTable, unit: Unit, sensitive: bool, rules: Rules) -> SummaryTable {
    protect_pooled(raw, &[], unit, sensitive, rules)
}

/// Lays a raw table's counts on the augmented grid.
fn grid_of(raw: &RawTable, row_labels: &[String], col_labels: &[String]) -> Grid {
    let rows = row_labels.len().max(1);
    let cols = col_labels.len().max(1);
    let mut grid = Grid {
        rows,
        cols,
        tally: vec![Tally::default(); (rows + 1) * (cols + 1)],
    };
    for (labels, tally) in &raw.cells {
        let row = labels
            .first()
            .and_then(|l| row_labels.iter().position(|r| r == l))
            .unwrap_or(0);
        let col = labels
            .get(1)
            .and_then(|l| col_labels.iter().position(|c| c == l))
            .unwrap_or(0);
        for at in [
            grid.at(row, col),
            grid.at(row, cols),
            grid.at(rows, col),
            grid.at(rows, cols),
        ] {
            grid.tally[at].add(*tally);
        }
    }
    grid
}

/// Protects a pooled table, `raw` the sum of `parts` (one per organization): besides the
/// rules of [`protect`], a cell is hidden when any one part's share leaves 1 to k-1 for the
/// others, so that an organization subtracting its own counts learns nothing small.
pub(crate) fn protect_pooled(
    raw: &RawTable,
    parts: &[RawTable],
    unit: Unit,
    sensitive: bool,
    rules: Rules,
) -> SummaryTable {
    let k = if sensitive {
        rules.k.max(SENSITIVE_K)
    } else {
        rules.k
    };
    let unit = serde_json::to_value(unit)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let (row_labels, col_labels): (Vec<String>, Vec<String>) = match raw.dims.len() {
        0 => (Vec::new(), Vec::new()),
        1 => (raw.categories[0].clone(), Vec::new()),
        _ => (raw.categories[0].clone(), raw.categories[1].clone()),
    };
    let grid = grid_of(raw, &row_labels, &col_labels);
    let (rows, cols) = (grid.rows, grid.cols);
    let counts: Vec<u64> = grid.tally.iter().map(|t| t.count).collect();
    let mut primary: Vec<bool> = counts.iter().map(|&c| c > 0 && c < k as u64).collect();
    for part in parts {
        let part = grid_of(part, &row_labels, &col_labels);
        for (at, share) in part.tally.iter().enumerate() {
            let rest = counts[at].saturating_sub(share.count);
            if share.count > 0 && rest > 0 && rest < k as u64 {
                primary[at] = true;
            }
        }
    }
    let hidden = suppress(rows, cols, &counts, primary, raw.dims.len());
    let shown = |at: usize| -> Option<u64> {
        if hidden[at] {
            return None;
        }
        let count = counts[at];
        if !rules.perturb || count == 0 {
            return Some(count);
        }
        Some(perturb(count, grid.tally[at].key).max(k as u64))
    };

    let mut cells = Vec::new();
    let label = |row: usize, col: usize| -> BTreeMap<String, String> {
        let mut labels = BTreeMap::new();
        if !raw.dims.is_empty() {
            let text = if row == rows {
                TOTAL.to_string()
            } else {
                row_labels[row].clone()
            };
            labels.insert(raw.dims[0].clone(), text);
        }
        if raw.dims.len() > 1 {
            let text = if col == cols {
                TOTAL.to_string()
            } else {
                col_labels[col].clone()
            };
            labels.insert(raw.dims[1].clone(), text);
        }
        labels
    };
    let last_row = if raw.dims.is_empty() { 0 } else { rows };
    let last_col = if raw.dims.len() > 1 { cols } else { 0 };
    for row in 0..=last_row {
        for col in 0..=last_col {
            let at = grid.at(row, col);
            // A one-way table's total is the grid's corner.
            let at = if raw.dims.len() == 1 && row == rows {
                grid.at(rows, cols)
            } else {
                at
            };
            let count = shown(at);
            // A percentage is the share of the cell's group: its column's total (all the
            // categories of the first dimension).
            let group = if raw.dims.len() == 1 {
                grid.at(rows, cols)
            } else {
                grid.at(rows, col)
            };
            let percent = if row == rows || raw.dims.is_empty() {
                None
            } else {
                match (count, shown(group)) {
                    (Some(part), Some(whole))
                        if whole >= MIN_DENOMINATOR
                            && part >= k as u64
                            && whole.saturating_sub(part) >= k as u64 =>
                    {
                        Some((part as f64 * 1000.0 / whole as f64).round() / 10.0)
                    }
                    _ => None,
                }
            };
            cells.push(SummaryCell {
                labels: label(row, col),
                count,
                display: count.map_or_else(|| format!("<{k}"), |c| c.to_string()),
                percent,
            });
        }
    }
    SummaryTable {
        indicator: raw.indicator.to_string(),
        unit,
        breakdowns: raw.dims.clone(),
        k,
        sensitive,
        cells,
    }
}

/// The cell-key method's noise for a count whose units' keys add up to `key`: 0 half the
/// time, ±1 four times in ten, ±2 one time in ten; the same key always gives the same noise.
fn perturb(count: u64, key: u32) -> u64 {
    // The sum of uniform keys modulo 2³² is uniform; mix it so that neighbouring sums do
    // not give neighbouring noise.
    let mixed = (u64::from(key)).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32;
    let u = mixed as f64 / 4_294_967_296.0;
    let noise: i64 = if u < 0.05 {
        -2
    } else if u < 0.25 {
        -1
    } else if u < 0.75 {
        0
    } else if u < 0.95 {
        1
    } else {
        2
    };
    (count as i64 + noise).max(0) as u64
}

/// Which cells of the augmented grid to hide: the primary ones (`hidden`), then complements
/// until no hidden cell can be worked out from the rest.
fn suppress(
    rows: usize,
    cols: usize,
    counts: &[u64],
    mut hidden: Vec<bool>,
    dims: usize,
) -> Vec<bool> {
    match dims {
        0 => hidden,
        1 => {
            // The categories and their total: one equation, so no hidden cell may be alone.
            let members: Vec<usize> = (0..rows)
                .map(|row| row * (cols + 1))
                .chain([rows * (cols + 1) + cols])
                .collect();
            // Only the first column and the corner are shown in a one-way table.
            let shown_hidden: Vec<usize> =
                members.iter().copied().filter(|&at| hidden[at]).collect();
            if shown_hidden.len() == 1 {
                let alone = shown_hidden[0];
                let partner = members
                    .iter()
                    .copied()
                    .filter(|&at| at != alone && !hidden[at] && counts[at] > 0)
                    .filter(|&at| at != rows * (cols + 1) + cols)
                    .min_by_key(|&at| counts[at])
                    .unwrap_or(rows * (cols + 1) + cols);
                hidden[partner] = true;
            }
            hidden
        }
        _ => {
            while let Some((row, col)) = first_bridge(rows, cols, &hidden) {
                for at in cheapest_cycle(rows, cols, counts, &hidden, row, col) {
                    hidden[at] = true;
                }
            }
            hidden
        }
    }
}

/// A hidden cell through which no cycle of hidden cells passes, if any.
fn first_bridge(rows: usize, cols: usize, hidden: &[bool]) -> Option<(usize, usize)> {
    let width = cols + 1;
    for row in 0..=rows {
        for col in 0..=cols {
            if hidden[row * width + col] && !connected_without(rows, cols, hidden, row, col) {
                return Some((row, col));
            }
        }
    }
    None
}

/// Whether row `row` and column `col` are joined by hidden cells other than their own.
fn connected_without(rows: usize, cols: usize, hidden: &[bool], row: usize, col: usize) -> bool {
    let width = cols + 1;
    // Nodes: rows 0..=rows, then columns.
    let nodes = rows + 1 + cols + 1;
    let mut seen = vec![false; nodes];
    let mut queue = VecDeque::from([row]);
    seen[row] = true;
    while let Some(node) = queue.pop_front() {
        if node <= rows {
            for c in 0..=cols {
                let next = rows + 1 + c;
                if hidden[node * width + c] && !(node == row && c == col) && !seen[next] {
                    seen[next] = true;
                    queue.push_back(next);
                }
            }
        } else {
            let c = node - rows - 1;
            for r in 0..=rows {
                if hidden[r * width + c] && !(r == row && c == col) && !seen[r] {
                    seen[r] = true;
                    queue.push_back(r);
                }
            }
        }
    }
    seen[rows + 1 + col]
}

/// The cells to hide so that a cycle passes through (`row`, `col`): the cheapest path from
/// its row to its column through other cells, where a hidden cell costs nothing and a shown
/// one its count (a zero is avoided: hiding it would tell nothing and protect nothing).
fn cheapest_cycle(
    rows: usize,
    cols: usize,
    counts: &[u64],
    hidden: &[bool],
    row: usize,
    col: usize,
) -> Vec<usize> {
    let width = cols + 1;
    let nodes = rows + 1 + cols + 1;
    let cost = |at: usize| -> u64 {
        if hidden[at] {
            0
        } else if counts[at] == 0 {
            1 << 40
        } else {
            counts[at] * 1024 + 1
        }
    };
    let mut best = vec![u64::MAX; nodes];
    let mut came: Vec<Option<(usize, usize)>> = vec![None; nodes];
    let mut heap = BinaryHeap::new();
    best[row] = 0;
    heap.push(std::cmp::Reverse((0u64, row)));
    while let Some(std::cmp::Reverse((spent, node))) = heap.pop() {
        if spent > best[node] {
            continue;
        }
        let edges: Vec<(usize, usize)> = if node <= rows {
            (0..=cols)
                .filter(|&c| !(node == row && c == col))
                .map(|c| (rows + 1 + c, node * width + c))
                .collect()
        } else {
            let c = node - rows - 1;
            (0..=rows)
                .filter(|&r| !(r == row && c == col))
                .map(|r| (r, r * width + c))
                .collect()
        };
        for (next, at) in edges {
            let total = spent + cost(at);
            if total < best[next] {
                best[next] = total;
                came[next] = Some((node, at));
                heap.push(std::cmp::Reverse((total, next)));
            }
        }
    }
    let mut path = Vec::new();
    let mut node = rows + 1 + col;
    while let Some((previous, at)) = came[node] {
        path.push(at);
        node = previous;
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(dims: &[&str], cats: &[&[&str]], cells: &[(&[&str], u64)]) -> RawTable {
        RawTable {
            indicator: "test",
            dims: dims.iter().map(|d| d.to_string()).collect(),
            categories: cats
                .iter()
                .map(|c| c.iter().map(|s| s.to_string()).collect())
                .collect(),
            cells: cells
                .iter()
                .map(|(labels, count)| {
                    (
                        labels.iter().map(|s| s.to_string()).collect(),
                        Tally {
                            count: *count,
                            key: *count as u32 * 7919,
                        },
                    )
                })
                .collect(),
        }
    }

    const INTERNAL: Rules = Rules {
        k: 5,
        perturb: false,
    };

    #[test]
    fn a_lone_small_category_takes_the_next_smallest_with_it() {
        let table = raw(
            &["x"],
            &[&["a", "b", "c"]],
            &[(&["a"], 3), (&["b"], 40), (&["c"], 9)],
        );
        let out = protect(&table, Unit::Women, false, INTERNAL);
        let displays: Vec<&str> = out.cells.iter().map(|c| c.display.as_str()).collect();
        assert_eq!(displays, ["<5", "40", "<5", "52"]);
        assert_eq!(out.cells[1].percent, Some(76.9));
        assert_eq!(out.cells[3].percent, None);
    }

    #[test]
    fn sensitive_tables_use_ten() {
        let table = raw(&["x"], &[&["a", "b"]], &[(&["a"], 8), (&["b"], 30)]);
        let out = protect(&table, Unit::Women, true, INTERNAL);
        assert_eq!(out.k, 10);
        assert_eq!(out.cells[0].display, "<10");
        assert_eq!(out.cells[1].count, None, "its complement");
    }

    #[test]
    fn a_cell_alone_in_its_row_and_column_gets_a_rectangle() {
        let table = raw(
            &["x", "y"],
            &[&["a", "b"], &["p", "q"]],
            &[
                (&["a", "p"], 2),
                (&["a", "q"], 30),
                (&["b", "p"], 20),
                (&["b", "q"], 40),
            ],
        );
        let out = protect(&table, Unit::Women, false, INTERNAL);
        let hidden: Vec<bool> = out.cells.iter().map(|c| c.count.is_none()).collect();
        // a·p hidden; its row, its column and the rest of a rectangle follow.
        assert_eq!(hidden.iter().filter(|h| **h).count(), 4, "{hidden:?}");
        assert!(hidden[0]);
    }

    /// The rank of a matrix (rows of coefficients), by Gaussian elimination.
    fn rank(mut rows: Vec<Vec<f64>>) -> usize {
        let width = rows.first().map_or(0, Vec::len);
        let mut rank = 0;
        for col in 0..width {
            let Some(pivot) = (rank..rows.len()).find(|&r| rows[r][col].abs() > 1e-9) else {
                continue;
            };
            rows.swap(rank, pivot);
            let pivot_row = rows[rank].clone();
            let lead = pivot_row[col];
            for (r, row) in rows.iter_mut().enumerate() {
                if r != rank {
                    let factor = row[col] / lead;
                    if factor != 0.0 {
                        for (value, above) in row.iter_mut().zip(&pivot_row) {
                            *value -= factor * above;
                        }
                    }
                }
            }
            rank += 1;
        }
        rank
    }

    /// Checks a protected table against its raw counts, independently of how suppression
    /// chose its cells: no shown count between 1 and k-1, shown counts true (internal),
    /// no hidden cell determined by the table's equations (every row and column adds up to
    /// its total) and the known cells, percentages only by the rule.
    pub(crate) fn assert_protected(raw: &RawTable, table: &SummaryTable, perturbed: bool) {
        let k = table.k as u64;
        assert!(table.k >= MIN_K);
        for cell in &table.cells {
            if let Some(n) = cell.count {
                assert!(n == 0 || n >= k, "{}: shown {n} < k {k}", table.indicator);
                assert_eq!(cell.display, n.to_string());
            } else {
                assert_eq!(cell.display, format!("<{k}"));
                assert_eq!(cell.percent, None);
            }
        }
        // The true value of every cell of the output, by its labels.
        let truth = |labels: &BTreeMap<String, String>| -> u64 {
            raw.cells
                .iter()
                .filter(|(key, _)| {
                    raw.dims.iter().zip(key.iter()).all(|(dim, value)| {
                        let wanted = &labels[dim];
                        wanted == TOTAL || wanted == value
                    })
                })
                .map(|(_, t)| t.count)
                .sum()
        };
        for cell in &table.cells {
            let n = truth(&cell.labels);
            match cell.count {
                Some(shown) if !perturbed => assert_eq!(shown, n, "{:?}", cell.labels),
                Some(shown) => assert!(shown.abs_diff(n) <= 2 || shown == k),
                None => {}
            }
            if let Some(percent) = cell.percent {
                let dim = &raw.dims[0];
                let mut group = cell.labels.clone();
                group.insert(dim.clone(), TOTAL.into());
                let whole = table.cells.iter().find(|c| c.labels == group).unwrap();
                let (part, whole) = (cell.count.unwrap(), whole.count.unwrap());
                assert!(whole >= MIN_DENOMINATOR && part >= k && whole - part >= k);
                assert!((percent - part as f64 * 100.0 / whole as f64).abs() < 0.051);
            }
        }
        // The equations, over the hidden cells; the shown ones are constants.
        let hidden: Vec<&BTreeMap<String, String>> = table
            .cells
            .iter()
            .filter(|c| c.count.is_none())
            .map(|c| &c.labels)
            .collect();
        if hidden.is_empty() || raw.dims.is_empty() {
            return;
        }
        let index = |labels: &BTreeMap<String, String>| hidden.iter().position(|h| *h == labels);
        // Each equation: a cell whose labels have `total` in one dimension equals the sum
        // of the cells that replace that `total` by each category.
        let mut equations: Vec<Vec<f64>> = Vec::new();
        for whole in &table.cells {
            for (at, dim) in raw.dims.iter().enumerate() {
                if whole.labels[dim] != TOTAL {
                    continue;
                }
                let mut row = vec![0.0; hidden.len()];
                if let Some(i) = index(&whole.labels) {
                    row[i] -= 1.0;
                }
                for category in &raw.categories[at] {
                    let mut part = whole.labels.clone();
                    part.insert(dim.clone(), category.clone());
                    if let Some(i) = index(&part) {
                        row[i] += 1.0;
                    }
                }
                if row.iter().any(|c| *c != 0.0) {
                    equations.push(row);
                }
            }
        }
        let base = rank(equations.clone());
        for (i, labels) in hidden.iter().enumerate() {
            let mut with = equations.clone();
            let mut unit = vec![0.0; hidden.len()];
            unit[i] = 1.0;
            with.push(unit);
            assert_eq!(
                rank(with),
                base + 1,
                "{}: the hidden cell {labels:?} can be worked out from the others",
                table.indicator
            );
        }
    }

    use proptest::prelude::*;

    /// Counts that are often small, sometimes zero, sometimes large.
    fn counts() -> impl Strategy<Value = u64> {
        prop_oneof![
            3 => Just(0u64),
            4 => 1u64..5,
            2 => 5u64..12,
            2 => 12u64..200,
        ]
    }

    fn table_strategy() -> impl Strategy<Value = RawTable> {
        (1usize..=2, 1usize..8, 1usize..7)
            .prop_flat_map(|(dims, rows, cols)| {
                let cols = if dims == 1 { 1 } else { cols };
                (
                    Just(dims),
                    Just(rows),
                    Just(cols),
                    proptest::collection::vec(counts(), rows * cols),
                )
            })
            .prop_map(|(dims, rows, cols, values)| {
                let row_labels: Vec<String> = (0..rows).map(|r| format!("r{r}")).collect();
                let col_labels: Vec<String> = (0..cols).map(|c| format!("c{c}")).collect();
                let mut cells = BTreeMap::new();
                for r in 0..rows {
                    for c in 0..cols {
                        let mut labels = vec![row_labels[r].clone()];
                        if dims == 2 {
                            labels.push(col_labels[c].clone());
                        }
                        let count = values[r * cols + c];
                        cells.insert(
                            labels,
                            Tally {
                                count,
                                key: (count as u32).wrapping_mul(2_654_435_761),
                            },
                        );
                    }
                }
                let mut categories = vec![row_labels];
                let mut names = vec!["x".to_string()];
                if dims == 2 {
                    categories.push(col_labels);
                    names.push("y".into());
                }
                RawTable {
                    indicator: "random",
                    dims: names,
                    categories,
                    cells,
                }
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        #[test]
        fn no_protected_table_shows_a_small_count_or_lets_a_hidden_one_be_worked_out(
            raw in table_strategy(),
            k in prop_oneof![Just(5u32), Just(11u32), 5u32..15],
            sensitive in any::<bool>(),
            perturb in any::<bool>(),
        ) {
            let table = protect(&raw, Unit::Women, sensitive, Rules { k, perturb });
            if sensitive {
                prop_assert!(table.k >= SENSITIVE_K);
            }
            assert_protected(&raw, &table, perturb);
        }

        #[test]
        fn pooled_tables_hide_what_one_organization_could_subtract(
            parts in proptest::collection::vec(table_strategy(), 2..4),
        ) {
            // The same shape for every part: the first part's, with the others' counts.
            let shape = parts[0].clone();
            let parts: Vec<RawTable> = parts
                .iter()
                .map(|p| {
                    let mut part = shape.clone();
                    for (cell, other) in part.cells.values_mut().zip(p.cells.values().cycle()) {
                        *cell = *other;
                    }
                    part
                })
                .collect();
            let mut whole = shape.clone();
            for (labels, tally) in whole.cells.iter_mut() {
                *tally = Tally::default();
                for part in &parts {
                    tally.add(part.cells[labels]);
                }
            }
            let k = 11;
            let table = protect_pooled(&whole, &parts, Unit::Women, false, Rules { k, perturb: false });
            assert_protected(&whole, &table, false);
            for cell in table.cells.iter().filter(|c| c.labels.values().all(|l| l != TOTAL)) {
                if let Some(n) = cell.count {
                    let key: Vec<String> = whole.dims.iter().map(|d| cell.labels[d].clone()).collect();
                    for part in &parts {
                        let rest = n - part.cells[&key].count;
                        prop_assert!(part.cells[&key].count == 0 || rest == 0 || rest >= k as u64);
                    }
                }
            }
        }
    }

    #[test]
    fn the_same_keys_give_the_same_noise() {
        for count in [11u64, 50, 1000] {
            for key in [0u32, 1, 77, u32::MAX] {
                assert_eq!(perturb(count, key), perturb(count, key));
                assert!(perturb(count, key).abs_diff(count) <= 2);
            }
        }
        let moved = (0..1000u32)
            .filter(|key| perturb(100, key.wrapping_mul(4_294_967)) != 100)
            .count();
        assert!((350..650).contains(&moved), "about half move: {moved}");
    }
}
