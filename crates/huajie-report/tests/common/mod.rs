pub mod spreadsheet;
