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
    let need =
        |shown: &[usize]| shown.iter().map(|&i| columns[i].min + spacing).sum::<u16>() + reserve;
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

/// The kept columns' widths and headers, and a row's cells picked the same way.
pub fn pick<T: Clone>(items: &[T], shown: &[usize]) -> Vec<T> {
    shown
        .iter()
        .filter_map(|&i| items.get(i).cloned())
        .collect()
}

pub fn constraints(columns: &[Column], shown: &[usize]) -> Vec<Constraint> {
    shown.iter().map(|&i| columns[i].width).collect()
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
}
