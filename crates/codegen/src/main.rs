//! `es-codegen generate` writes the API; `es-codegen check` fails if it is out of date.

fn main() {
    let cmd = std::env::args().nth(1).unwrap_or_default();
    let spec = es_codegen::spec_dir();
    if !spec.join("schema.json").exists() {
        eprintln!(
            "es-codegen: no specification at {} (set ES_SPEC_DIR)",
            spec.display()
        );
        std::process::exit(2);
    }
    let files = match es_codegen::generate(&spec) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("es-codegen: {e}");
            std::process::exit(1);
        }
    };
    let types = match es_codegen::generate_types(&spec) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("es-codegen: {e}");
            std::process::exit(1);
        }
    };
    let outputs = [
        (es_codegen::output_dir(), files),
        (es_codegen::derive_output_dir(), types.derive),
    ];
    match cmd.as_str() {
        "generate" => {
            if let Err(e) = es_codegen::write_types(&es_codegen::crates_dir(), &types.types) {
                eprintln!("es-codegen: {e}");
                std::process::exit(1);
            }
            println!("wrote the es-types crates' {} folders", types.types.len());
            for (out, files) in &outputs {
                if let Err(e) = es_codegen::write(out, files) {
                    eprintln!("es-codegen: {e}");
                    std::process::exit(1);
                }
                let lines: usize = files.values().map(|t| t.lines().count()).sum();
                println!(
                    "wrote {} files, {lines} lines, to {}",
                    files.len(),
                    out.display()
                );
            }
        }
        "check" => {
            let mut diffs: Vec<String> = outputs
                .iter()
                .flat_map(|(out, files)| es_codegen::check(out, files))
                .collect();
            diffs.extend(es_codegen::check_types(
                &es_codegen::crates_dir(),
                &types.types,
            ));
            if !diffs.is_empty() {
                eprintln!("generated code is out of date: {}", diffs.join("; "));
                std::process::exit(1);
            }
            println!("generated code is up to date");
        }
        _ => {
            eprintln!("usage: es-codegen generate | check");
            std::process::exit(2);
        }
    }
}
