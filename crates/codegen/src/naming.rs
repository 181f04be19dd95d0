//! Rust names for specification names.

use std::collections::{BTreeSet, HashMap};

use crate::spec::TypeKey;

/// Rust keywords (a parameter with one of these names gets `_param`).
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Identifier for a parameter or part.
pub fn ident(name: &str, taken: &BTreeSet<String>, reserved: &[String]) -> String {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let stripped = s.trim_start_matches('_').to_string();
    if !stripped.is_empty() && !taken.contains(&stripped) {
        s = stripped;
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    if KEYWORDS.contains(&s.as_str()) || reserved.contains(&s) {
        s.push_str("_param");
    }
    s
}

/// `snake.case-name` → `SnakeCaseName`.
pub fn pascal(s: &str) -> String {
    let mut out = String::new();
    let mut up = true;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            if up {
                out.push(c.to_ascii_uppercase());
            } else {
                out.push(c);
            }
            up = false;
        } else {
            up = true;
        }
        if c.is_ascii_digit() {
            up = true;
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    out
}

/// The first paragraph of a description (at most 4 lines), each line a doc line.
pub fn doc_paragraph(desc: &str) -> Vec<String> {
    let para = desc.split("\n\n").next().unwrap_or("").trim();
    para.lines()
        .take(4)
        .map(|l| format!(" {}", l.trim().replace('<', "&lt;").replace('>', "&gt;")))
        .collect()
}

/// Rust names of the enums: the spec name, prefixed by its namespace where two collide.
pub fn enum_rust_names(enums: &BTreeSet<TypeKey>) -> HashMap<TypeKey, String> {
    let mut count: HashMap<&str, usize> = HashMap::new();
    for k in enums {
        *count.entry(k.1.as_str()).or_default() += 1;
    }
    enums
        .iter()
        .map(|k| {
            let name = if count[k.1.as_str()] > 1 {
                let ns: String =
                    k.0.split('.')
                        .filter(|s| *s != "_types" && *s != "_global")
                        .map(pascal)
                        .collect();
                format!("{ns}{}", k.1)
            } else {
                k.1.clone()
            };
            (k.clone(), name)
        })
        .collect()
}
