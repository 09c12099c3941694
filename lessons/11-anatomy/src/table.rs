//! The tables the parts show their figures in: a heading, then rows, each
//! column as wide as its widest cell.

/// A table of text cells, the first row its heading.
pub struct Table {
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new<const N: usize>(heading: [&str; N]) -> Self {
        Self {
            rows: vec![heading.iter().map(|cell| (*cell).to_owned()).collect()],
        }
    }

    pub fn row<const N: usize>(&mut self, cells: [String; N]) {
        self.rows.push(cells.into());
    }

    /// The table as lines, columns two spaces apart, no trailing spaces.
    pub fn render(&self) -> String {
        let columns = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        let widths: Vec<usize> = (0..columns)
            .map(|c| {
                let cells = self.rows.iter().filter_map(|row| row.get(c));
                cells.map(|cell| cell.chars().count()).max().unwrap_or(0)
            })
            .collect();
        let mut out = String::new();
        for row in &self.rows {
            let mut line = String::new();
            for (cell, width) in row.iter().zip(&widths) {
                line.push_str(&format!("{cell:<width$}  "));
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// A duration in milliseconds, with as many decimals as say something.
pub fn ms(seconds: f64) -> String {
    let ms = seconds * 1e3;
    if ms < 10.0 {
        format!("{ms:.2} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_as_wide_as_their_widest_cell() {
        let mut table = Table::new(["what", "perms"]);
        table.row(["a function".to_owned(), "r-xp".to_owned()]);
        table.row(["heap".to_owned(), "rw-p".to_owned()]);
        assert_eq!(
            table.render(),
            "what        perms\na function  r-xp\nheap        rw-p\n"
        );
    }

    #[test]
    fn milliseconds_keep_two_decimals_below_ten() {
        assert_eq!(ms(0.00123), "1.23 ms");
        assert_eq!(ms(0.0214), "21 ms");
    }
}
