//! Parsing `#[netns_test(...)]`'s arguments: each `key = "value"` goes through
//! a setter of [`Builder`] that refuses repeats and conflicts, then
//! [`Builder::build`] freezes the result into [`Args`].

use proc_macro2::{Ident, TokenStream};
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::{Expr, Lit, LitStr, Meta, Token};

use crate::errors::Errors;
use crate::timeout::{self, Timeout};
use crate::topology;

/// Every argument the attribute takes, in the order the docs list them.
const KEYS: [&str; 3] = ["topology", "topology_file", "timeout"];

/// The validated arguments.
pub(crate) struct Args {
    pub(crate) topology: TopologySource,
    pub(crate) timeout: Option<Timeout>,
}

/// Where the topology text comes from.
pub(crate) enum TopologySource {
    /// No topology: one fresh namespace with `lo` up.
    None,
    /// `topology = "..."`: the literal itself.
    Inline(LitStr),
    /// `topology_file = "..."`: a path relative to `CARGO_MANIFEST_DIR`.
    File(LitStr),
}

/// Parses the tokens inside `#[netns_test(...)]`, reporting every mistake.
///
/// When an argument is wrong, the topology is still checked and its errors
/// are reported too, so one build shows both; unless two topologies were
/// given, since then it is unclear which one is meant.
pub(crate) fn parse(tokens: TokenStream) -> syn::Result<Args> {
    let mut metas = Vec::new();
    let syntax = (|input: ParseStream| parse_list(input, &mut metas)).parse2(tokens);
    let mut builder = Builder::default();
    let mut errors = Errors::default();
    for meta in metas {
        if let Err(error) = builder.set(meta) {
            errors.push(error);
        }
    }
    errors.take(syntax);
    match errors.finish(()) {
        Ok(()) => Ok(builder.build()),
        Err(mut error) => {
            if !builder.two_topologies {
                if let Err(topology) = topology::check(builder.build().topology) {
                    error.combine(topology);
                }
            }
            Err(error)
        }
    }
}

/// `key = value, ...` as `syn::Meta`s into `metas`, with messages that show
/// the form. The arguments read before a mistake stay in `metas`.
fn parse_list(input: ParseStream, metas: &mut Vec<Meta>) -> syn::Result<()> {
    while !input.is_empty() {
        if !input.peek(Ident::peek_any) {
            return Err(input.error(format!(
                "expected an argument such as `topology = \"...\"`; {}",
                valid_keys()
            )));
        }
        metas.push(input.parse()?);
        if input.is_empty() {
            break;
        }
        if !input.peek(Token![,]) {
            return Err(input.error(
                "expected `,` or the end of the arguments; arguments are written `key = \"value\"`",
            ));
        }
        input.parse::<Token![,]>()?;
    }
    Ok(())
}

/// The mutable configuration: one setter per key, each refusing a repeat.
#[derive(Default)]
struct Builder {
    topology: Option<LitStr>,
    topology_file: Option<LitStr>,
    timeout: Option<Timeout>,
    /// Whether a second `topology` or `topology_file` was refused.
    two_topologies: bool,
}

impl Builder {
    fn set(&mut self, meta: Meta) -> syn::Result<()> {
        let key = match meta.path().get_ident() {
            Some(key) if KEYS.contains(&key.to_string().as_str()) => key.clone(),
            _ => return Err(unknown_key(meta.path())),
        };
        let value = match meta {
            Meta::NameValue(name_value) => name_value.value,
            Meta::Path(_) => {
                return Err(syn::Error::new_spanned(
                    &key,
                    format!("`{key}` needs a value: {}", example(&key)),
                ))
            }
            Meta::List(list) => {
                return Err(syn::Error::new_spanned(
                    list,
                    format!("`{key}` is written with `=`: {}", example(&key)),
                ))
            }
        };
        let value = string_literal(&key, value)?;
        if key == "topology" {
            self.set_topology(&key, value)
        } else if key == "topology_file" {
            self.set_topology_file(&key, value)
        } else {
            self.set_timeout(&key, &value)
        }
    }

    fn set_topology(&mut self, key: &Ident, text: LitStr) -> syn::Result<()> {
        self.two_topologies |= self.topology.is_some() || self.topology_file.is_some();
        if self.topology.is_some() {
            return Err(repeated(key));
        }
        if self.topology_file.is_some() {
            return Err(exclusive(key));
        }
        self.topology = Some(text);
        Ok(())
    }

    fn set_topology_file(&mut self, key: &Ident, path: LitStr) -> syn::Result<()> {
        self.two_topologies |= self.topology.is_some() || self.topology_file.is_some();
        if self.topology_file.is_some() {
            return Err(repeated(key));
        }
        if self.topology.is_some() {
            return Err(exclusive(key));
        }
        if path.value().starts_with('/') {
            return Err(syn::Error::new(
                path.span(),
                "`topology_file` is relative to the crate's root directory \
                 (CARGO_MANIFEST_DIR), e.g. `topology_file = \"tests/topologies/lan.net\"`",
            ));
        }
        self.topology_file = Some(path);
        Ok(())
    }

    fn set_timeout(&mut self, key: &Ident, text: &LitStr) -> syn::Result<()> {
        if self.timeout.is_some() {
            return Err(repeated(key));
        }
        let timeout = timeout::parse(&text.value())
            .map_err(|e| syn::Error::new(text.span(), e.to_string()))?;
        self.timeout = Some(timeout);
        Ok(())
    }

    /// Freezes the configuration. The setters have already refused every
    /// conflict, so at most one topology source is set.
    fn build(self) -> Args {
        let topology = match (self.topology, self.topology_file) {
            (Some(text), _) => TopologySource::Inline(text),
            (None, Some(path)) => TopologySource::File(path),
            (None, None) => TopologySource::None,
        };
        Args {
            topology,
            timeout: self.timeout,
        }
    }
}

/// The value of `key`, which must be a string literal.
fn string_literal(key: &Ident, value: Expr) -> syn::Result<LitStr> {
    let mut value = value;
    while let Expr::Group(group) = value {
        value = *group.expr;
    }
    let message = match &value {
        Expr::Lit(literal) => match &literal.lit {
            Lit::Str(text) => return Ok(text.clone()),
            Lit::Int(_) | Lit::Float(_) if key == "timeout" => {
                format!(
                    "`timeout` takes a string: `timeout = \"{}\"`",
                    quoted_timeout(&literal.lit)
                )
            }
            _ => format!("`{key}` takes a string: {}", example(key)),
        },
        _ => format!(
            "`{key}` takes a string literal, which the macro reads at compile time: {}",
            example(key)
        ),
    };
    Err(syn::Error::new_spanned(value, message))
}

/// What to write for a bare number: `10s` for `10s`, `10s` for `10`.
fn quoted_timeout(literal: &Lit) -> String {
    let text = match literal {
        Lit::Int(int) => int.to_string(),
        Lit::Float(float) => float.to_string(),
        _ => String::new(),
    };
    if literal.suffix().is_empty() {
        text + "s"
    } else {
        text
    }
}

fn example(key: &Ident) -> &'static str {
    match key.to_string().as_str() {
        "topology" => "`topology = \"node a, b\"`",
        "topology_file" => "`topology_file = \"tests/topologies/lan.net\"`",
        _ => "`timeout = \"10s\"`",
    }
}

fn valid_keys() -> String {
    let keys: Vec<String> = KEYS.iter().map(|key| format!("`{key}`")).collect();
    format!("valid arguments are {}", keys.join(", "))
}

fn unknown_key(path: &syn::Path) -> syn::Error {
    let name = path
        .segments
        .iter()
        .map(|segment| segment.ident.to_string())
        .collect::<Vec<_>>()
        .join("::");
    let hint = KEYS
        .iter()
        .map(|key| (edit_distance(key, &name), key))
        .filter(|(distance, _)| *distance <= 2)
        .min()
        .map(|(_, key)| format!(" (did you mean `{key}`?)"))
        .unwrap_or_default();
    syn::Error::new_spanned(
        path,
        format!("unknown argument `{name}`{hint}; {}", valid_keys()),
    )
}

fn repeated(key: &Ident) -> syn::Error {
    syn::Error::new_spanned(
        key,
        format!(
            "`{key}` is given more than once; keep one ({})",
            valid_keys()
        ),
    )
}

fn exclusive(key: &Ident) -> syn::Error {
    syn::Error::new_spanned(
        key,
        "`topology` and `topology_file` exclude each other: give the topology inline \
         or in a file, not both",
    )
}

/// Levenshtein distance, for "did you mean" hints.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod args_should {
    use super::*;
    use quote::quote;

    fn messages(tokens: TokenStream) -> Vec<String> {
        match parse(tokens) {
            Ok(_) => panic!("the arguments were accepted"),
            Err(error) => error.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    fn message(tokens: TokenStream) -> String {
        let all = messages(tokens);
        assert_eq!(all.len(), 1, "{all:#?}");
        all.into_iter().next().unwrap_or_default()
    }

    #[test]
    fn accept_no_arguments() {
        let args = parse(TokenStream::new()).unwrap();
        assert!(matches!(args.topology, TopologySource::None));
        assert_eq!(args.timeout, None);
    }

    #[test]
    fn accept_an_inline_topology_and_a_timeout() {
        let args = parse(quote!(topology = "node a", timeout = "10s",)).unwrap();
        match args.topology {
            TopologySource::Inline(text) => assert_eq!(text.value(), "node a"),
            _ => panic!("not inline"),
        }
        assert_eq!(args.timeout.map(Timeout::millis), Some(10_000));
    }

    #[test]
    fn accept_a_topology_file() {
        let args = parse(quote!(topology_file = "tests/topologies/lan.net")).unwrap();
        match args.topology {
            TopologySource::File(path) => assert_eq!(path.value(), "tests/topologies/lan.net"),
            _ => panic!("not a file"),
        }
    }

    #[test]
    fn reject_an_unknown_key_and_list_the_valid_ones() {
        assert_eq!(
            message(quote!(nodes = "a")),
            "unknown argument `nodes`; valid arguments are `topology`, `topology_file`, `timeout`"
        );
    }

    #[test]
    fn suggest_the_key_closest_to_a_misspelt_one() {
        assert!(message(quote!(timout = "1s")).contains("(did you mean `timeout`?)"));
    }

    #[test]
    fn reject_a_path_as_key() {
        assert!(
            message(quote!(netns::timeout = "1s")).starts_with("unknown argument `netns::timeout`")
        );
    }

    #[test]
    fn reject_a_repeated_key_and_list_the_valid_ones() {
        assert_eq!(
            message(quote!(timeout = "1s", timeout = "2s")),
            "`timeout` is given more than once; keep one (valid arguments are `topology`, \
             `topology_file`, `timeout`)"
        );
    }

    #[test]
    fn reject_topology_together_with_topology_file_in_either_order() {
        let both = "`topology` and `topology_file` exclude each other: give the topology \
                    inline or in a file, not both";
        assert_eq!(
            message(quote!(topology = "node a", topology_file = "a.net")),
            both
        );
        assert_eq!(
            message(quote!(topology_file = "a.net", topology = "node a")),
            both
        );
    }

    #[test]
    fn reject_values_that_are_not_string_literals() {
        assert_eq!(
            message(quote!(topology = TOPOLOGY)),
            "`topology` takes a string literal, which the macro reads at compile time: \
             `topology = \"node a, b\"`"
        );
        assert_eq!(
            message(quote!(topology_file = true)),
            "`topology_file` takes a string: `topology_file = \"tests/topologies/lan.net\"`"
        );
    }

    #[test]
    fn suggest_quotes_around_a_bare_timeout() {
        assert_eq!(
            message(quote!(timeout = 10s)),
            "`timeout` takes a string: `timeout = \"10s\"`"
        );
        assert_eq!(
            message(quote!(timeout = 10)),
            "`timeout` takes a string: `timeout = \"10s\"`"
        );
    }

    #[test]
    fn reject_a_bad_timeout_with_the_accepted_forms() {
        assert!(message(quote!(timeout = "1h")).starts_with("invalid timeout `1h`"));
    }

    #[test]
    fn reject_a_key_without_value() {
        assert_eq!(
            message(quote!(topology)),
            "`topology` needs a value: `topology = \"node a, b\"`"
        );
        assert_eq!(
            message(quote!(timeout("1s"))),
            "`timeout` is written with `=`: `timeout = \"10s\"`"
        );
    }

    #[test]
    fn reject_an_absolute_topology_file() {
        assert!(message(quote!(topology_file = "/etc/lan.net")).contains("CARGO_MANIFEST_DIR"));
    }

    #[test]
    fn reject_a_bare_literal_and_show_the_form() {
        assert!(message(quote!("node a")).starts_with("expected an argument such as `topology = "));
    }

    #[test]
    fn reject_a_missing_comma() {
        assert!(message(quote!(topology = "node a" timeout = "1s")).starts_with("expected `,`"));
    }

    #[test]
    fn report_a_bad_argument_and_the_topologys_mistakes_together() {
        let all = messages(quote!(topology = "node a\nb -- a", timeout = "5 seconds"));
        assert_eq!(all.len(), 2, "{all:#?}");
        assert!(
            all[0].starts_with("invalid timeout `5 seconds`"),
            "{}",
            all[0]
        );
        assert!(all[1].starts_with("unknown owner `b`"), "{}", all[1]);
        let all = messages(quote!(topology = "node a; node a" timeout = "1s"));
        assert_eq!(all.len(), 2, "{all:#?}");
        assert!(all[0].starts_with("expected `,`"), "{}", all[0]);
        assert!(all[1].starts_with("`a` is declared twice"), "{}", all[1]);
    }

    #[test]
    fn check_neither_topology_when_two_are_given() {
        let all = messages(quote!(topology = "node a; node a", topology = "node b"));
        assert_eq!(all.len(), 1, "{all:#?}");
    }

    #[test]
    fn check_no_topology_twice_when_the_arguments_are_fine() {
        match parse(quote!(topology = "node a; node a", timeout = "1s")) {
            Ok(args) => assert!(matches!(args.topology, TopologySource::Inline(_))),
            Err(error) => panic!("the topology is `expand`'s to check: {error}"),
        }
    }

    #[test]
    fn report_every_bad_argument_at_once() {
        let all = messages(quote!(foo = "1", timeout = "0s", topology = 3));
        assert_eq!(all.len(), 3, "{all:#?}");
    }
}
