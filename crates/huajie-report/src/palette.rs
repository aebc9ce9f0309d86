//! The charts' colours, the web's palette (app.css `--s1`, `--neg`, `--limit`, `--mark`), so a
//! chart reads the same on paper as on screen.

pub const S1: (u8, u8, u8) = (0x1f, 0x5f, 0xa8);
pub const NEG: (u8, u8, u8) = (0xc0, 0x53, 0x3d);
pub const LIMIT: (u8, u8, u8) = (0xb0, 0x00, 0x20);
pub const MARK: (u8, u8, u8) = (0x5f, 0x6b, 0x7a);
