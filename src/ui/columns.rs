//! Tables that fit their width: each column says how it takes space, the fewest cells it
//! is readable in and its priority; when the width is short the columns with the highest
//! priority number leave first (0: never), instead of every column being cut to nothing.

use ratatui::layout::Constraint;

#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub header: &'static str,
    pub width: Constraint,
    /// Cells the column needs to be readable.
    pub min: u16,
    /// Dropped highest first when the table is too narrow; 0 stays.
    pub priority: u8,
}

impl Column {
    pub const fn new(header: &'static str, width: Constraint, min: u16, priority: u8) -> Column {
        Column {
            header,
            width,
            min,
            priority,
        }
    }
}

/// The indices of the columns that fit in `width` cells with `spacing` between columns
/// and `reserve` cells taken before them (the highlight symbol), in their order.
pub fn fit(columns: &[Column], width: u16, spacing: u16, reserve: u16) -> Vec<usize> {
    let mut shown: Vec<usize> = (0..columns.len()).collect();
    let need = |shown: &[usize]| {
        shown
            .iter()
            .map(|&i| base(&columns[i]) + spacing)
            .sum::<u16>()
            + reserve
    };
    while need(&shown) > width {
        let drop = shown
            .iter()
            .enumerate()
            .filter(|(_, i)| columns[**i].priority > 0)
            // The last of equal priority leaves first.
            .max_by_key(|(pos, i)| (columns[**i].priority, *pos));
        match drop {
            Some((pos, _)) => shown.remove(pos),
            None => break,
        };
    }
    shown
}

/// The cells a column takes at least: a fixed column its length, a fill column its minimum.
fn base(c: &Column) -> u16 {
    match c.width {
        Constraint::Length(n) => n.max(c.min),
        _ => c.min,
    }
}

/// The kept columns' widths and headers, and a row's cells picked the same way.
pub fn pick<T: Clone>(items: &[T], shown: &[usize]) -> Vec<T> {
    shown
        .iter()
        .filter_map(|&i| items.get(i).cloned())
        .collect()
}

/// The kept columns' widths for a table `width` cells wide: fixed columns their length,
/// fill columns their minimum plus a share of what is left by weight, so a fill column
/// never gets less than it needs to be read while another takes the space.
pub fn constraints(
    columns: &[Column],
    shown: &[usize],
    width: u16,
    spacing: u16,
    reserve: u16,
) -> Vec<Constraint> {
    let gaps = spacing * (shown.len().saturating_sub(1) as u16);
    let used: u16 = shown.iter().map(|&i| base(&columns[i])).sum::<u16>() + gaps + reserve;
    let extra = width.saturating_sub(used);
    let weight = |c: &Column| match c.width {
        Constraint::Fill(w) => w,
        _ => 0,
    };
    let weights: u16 = shown.iter().map(|&i| weight(&columns[i])).sum();
    let mut given = 0;
    let fills = shown.iter().filter(|&&i| weight(&columns[i]) > 0).count();
    let mut seen = 0;
    shown
        .iter()
        .map(|&i| {
            let c = &columns[i];
            let w = weight(c);
            if w == 0 || weights == 0 {
                return Constraint::Length(base(c));
            }
            seen += 1;
            // The last fill column takes the rounding remainder.
            let share = if seen == fills {
                extra - given
            } else {
                (u32::from(extra) * u32::from(w) / u32::from(weights)) as u16
            };
            given += share;
            Constraint::Length(c.min + share)
        })
        .collect()
}

pub fn headers(columns: &[Column], shown: &[usize]) -> Vec<&'static str> {
    shown.iter().map(|&i| columns[i].header).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLS: [Column; 4] = [
        Column::new("a", Constraint::Length(10), 10, 0),
        Column::new("b", Constraint::Fill(1), 20, 0),
        Column::new("c", Constraint::Length(12), 12, 2),
        Column::new("d", Constraint::Length(8), 8, 1),
    ];

    #[test]
    fn the_highest_priority_number_leaves_first_and_zero_never() {
        assert_eq!(fit(&COLS, 200, 1, 2), [0, 1, 2, 3]);
        assert_eq!(fit(&COLS, 45, 1, 2), [0, 1, 3]);
        assert_eq!(fit(&COLS, 35, 1, 2), [0, 1]);
        assert_eq!(fit(&COLS, 5, 1, 2), [0, 1], "what never leaves stays, cut");
    }

    #[test]
    fn fill_columns_get_their_minimum_and_share_the_rest() {
        let l = Constraint::Length;
        // 45 wide: a 10, b 20 + 3 left over, d 8; 2 reserved and 2 gaps.
        assert_eq!(
            constraints(&COLS, &[0, 1, 3], 45, 1, 2),
            [l(10), l(23), l(8)]
        );
        assert_eq!(constraints(&COLS, &[0, 1], 10, 1, 2), [l(10), l(20)]);
    }
}
