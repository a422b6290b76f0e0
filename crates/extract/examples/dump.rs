//! Print the candidates of a file (or stdin) as JSON and the text with
//! evidence marked: `cargo run -p truce-extract --example dump -- FILE [YYYY-MM-DD]`.

use std::io::Read;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut bytes = Vec::new();
    let read = match args.first() {
        Some(path) if path != "-" => std::fs::read(path).map(|b| bytes = b),
        _ => std::io::stdin().read_to_end(&mut bytes).map(|_| ()),
    };
    if let Err(e) = read {
        eprintln!("cannot read input: {e}");
        std::process::exit(2);
    }
    let published = args.get(1).and_then(|d| d.parse().ok());
    let docs = match truce_extract::read(&bytes, truce_extract::Format::Auto) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    for mut doc in docs {
        if doc.published.is_none() {
            doc.published = published;
        }
        match truce_extract::extract(&doc) {
            Ok(cands) => {
                for c in &cands {
                    println!("{}", serde_json::to_string(c).unwrap_or_default());
                }
                println!("\n{}\n", truce_extract::render_evidence(&doc.text, &cands));
            }
            Err(e) => eprintln!("error: {e}"),
        }
    }
}
