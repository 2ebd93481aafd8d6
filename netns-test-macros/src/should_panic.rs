//! The test's `#[should_panic]`, read as libtest reads it, so that the
//! runtime knows which panic of the body passes the test. The attribute
//! itself stays on the generated `#[test]`, where libtest reads it too.

use proc_macro2::{Ident, TokenStream};
use quote::{quote, ToTokens};
use syn::parse::ParseStream;
use syn::{Attribute, Expr, ExprLit, Lit, LitStr, Meta, Token};

/// What `TestDef::should_panic` says.
pub(crate) enum ShouldPanic {
    /// No `#[should_panic]`.
    No,
    /// `#[should_panic]`, or a malformed form that rustc reports itself.
    Yes,
    /// `#[should_panic = "text"]` or `#[should_panic(expected = "text")]`.
    YesWithMessage(LitStr),
}

impl ShouldPanic {
    /// Whether a panic of the body is what passes the test.
    pub(crate) fn expects_panic(&self) -> bool {
        !matches!(self, ShouldPanic::No)
    }
}

/// Finds `#[should_panic]` among the function's attributes. Inert attributes
/// reach the macro from above `#[netns_test]` as well as from below. As in
/// rustc, the first one counts (rustc warns that the others are unused).
///
/// The forms rustc rejects (`#[should_panic(expected)]`, `= 3`, ...) read as
/// [`ShouldPanic::Yes`]: rustc already reports them, on the same tokens, when
/// it builds the test. A macro as the text is refused here: rustc accepts
/// `#[should_panic = concat!(..)]` without a word and then expects no panic.
pub(crate) fn read(attrs: &[Attribute]) -> syn::Result<ShouldPanic> {
    let Some(attr) = attrs
        .iter()
        .find(|attr| attr.path().is_ident("should_panic"))
    else {
        return Ok(ShouldPanic::No);
    };
    match &attr.meta {
        Meta::Path(_) => Ok(ShouldPanic::Yes),
        Meta::NameValue(pair) => match ungroup(&pair.value) {
            Expr::Lit(ExprLit {
                lit: Lit::Str(text),
                ..
            }) => Ok(ShouldPanic::YesWithMessage(text.clone())),
            value @ Expr::Macro(_) => Err(syn::Error::new_spanned(
                value,
                "`#[should_panic = ...]` takes the expected text as a string literal, \
                 e.g. `#[should_panic = \"no route\"]`",
            )),
            _ => Ok(ShouldPanic::Yes),
        },
        Meta::List(list) => Ok(list
            .parse_args_with(expected)
            .map_or(ShouldPanic::Yes, ShouldPanic::YesWithMessage)),
    }
}

/// `expected = "text"`, the one argument `#[should_panic(...)]` takes (a
/// trailing comma allowed, as rustc allows it). Only whether it parses
/// matters: rustc words the error.
fn expected(input: ParseStream) -> syn::Result<LitStr> {
    let key: Ident = input.parse()?;
    if key != "expected" {
        return Err(syn::Error::new(key.span(), "expected `expected`"));
    }
    input.parse::<Token![=]>()?;
    let text = input.parse()?;
    input.parse::<Option<Token![,]>>()?;
    Ok(text)
}

/// Looks through the invisible group a `macro_rules!` leaves around `$text`.
fn ungroup(expr: &Expr) -> &Expr {
    match expr {
        Expr::Group(group) => ungroup(&group.expr),
        _ => expr,
    }
}

impl ToTokens for ShouldPanic {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.extend(match self {
            ShouldPanic::No => quote!(::netns_test::__private::ShouldPanic::No),
            ShouldPanic::Yes => quote!(::netns_test::__private::ShouldPanic::Yes),
            ShouldPanic::YesWithMessage(text) => {
                quote!(::netns_test::__private::ShouldPanic::YesWithMessage(#text))
            }
        });
    }
}

#[cfg(test)]
mod should_panic_should {
    use super::*;
    use syn::ItemFn;

    /// The `ShouldPanic` the expansion writes for `item`'s attributes.
    fn rendered(item: TokenStream) -> String {
        let func: ItemFn = syn::parse2(item).unwrap();
        match read(&func.attrs) {
            Ok(should_panic) => should_panic.to_token_stream().to_string(),
            Err(error) => panic!("refused: {error}"),
        }
    }

    fn refusal(item: TokenStream) -> String {
        let func: ItemFn = syn::parse2(item).unwrap();
        match read(&func.attrs) {
            Ok(should_panic) => panic!("accepted as {}", should_panic.to_token_stream()),
            Err(error) => error.to_string(),
        }
    }

    #[test]
    fn read_no_attribute_as_no() {
        let output = rendered(quote! {
            #[ignore]
            /// Documented.
            fn t() {}
        });
        assert_eq!(
            output,
            quote!(::netns_test::__private::ShouldPanic::No).to_string()
        );
    }

    #[test]
    fn read_a_bare_attribute_as_yes() {
        let output = rendered(quote! {
            #[should_panic]
            fn t() {}
        });
        assert_eq!(
            output,
            quote!(::netns_test::__private::ShouldPanic::Yes).to_string()
        );
    }

    #[test]
    fn read_the_text_of_either_form() {
        let expected = quote!(::netns_test::__private::ShouldPanic::YesWithMessage(
            "no route"
        ))
        .to_string();
        for item in [
            quote! {
                #[should_panic = "no route"]
                fn t() {}
            },
            quote! {
                #[should_panic(expected = "no route")]
                fn t() {}
            },
        ] {
            assert_eq!(rendered(item), expected);
        }
    }

    #[test]
    fn keep_a_raw_string_as_written() {
        let output = rendered(quote! {
            #[should_panic(expected = r"a\b")]
            fn t() {}
        });
        assert!(output.ends_with(r#"YesWithMessage (r"a\b")"#), "{output}");
    }

    #[test]
    fn accept_a_trailing_comma_as_rustc_does() {
        let output = rendered(quote! {
            #[should_panic(expected = "x",)]
            fn t() {}
        });
        assert!(output.ends_with("YesWithMessage (\"x\")"), "{output}");
    }

    #[test]
    fn find_it_among_other_attributes_and_take_the_first_as_rustc_does() {
        let output = rendered(quote! {
            #[ignore]
            #[should_panic = "first"]
            #[allow(unused)]
            #[should_panic]
            fn t() {}
        });
        assert!(output.ends_with("YesWithMessage (\"first\")"), "{output}");
    }

    #[test]
    fn read_forms_rustc_rejects_as_yes_and_leave_the_message_to_rustc() {
        for item in [
            quote! {
                #[should_panic(expected)]
                fn t() {}
            },
            quote! {
                #[should_panic(reason = "x")]
                fn t() {}
            },
            quote! {
                #[should_panic(expected = "x", other = "y")]
                fn t() {}
            },
            quote! {
                #[should_panic = 3]
                fn t() {}
            },
            quote! {
                #[should_panic = TEXT]
                fn t() {}
            },
        ] {
            assert_eq!(
                rendered(item),
                quote!(::netns_test::__private::ShouldPanic::Yes).to_string()
            );
        }
    }

    #[test]
    fn refuse_a_macro_as_the_text() {
        let message = refusal(quote! {
            #[should_panic = concat!("no ", "route")]
            fn t() {}
        });
        assert!(message.contains("as a string literal"), "{message}");
    }

    #[test]
    fn ignore_an_attribute_of_that_name_under_a_path() {
        let output = rendered(quote! {
            #[my::should_panic]
            fn t() {}
        });
        assert!(output.ends_with("ShouldPanic :: No"), "{output}");
    }
}
