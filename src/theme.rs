//! Themes: colours named by meaning, loaded from TOML. (Skeleton.)

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub name: String,
}
