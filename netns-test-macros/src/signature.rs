//! The test function's shape: no argument or one `&Net`, a return of `()` or
//! a `Result`, no generics and no qualifiers libtest cannot call.

use quote::ToTokens;
use syn::{Attribute, FnArg, GenericArgument, ItemFn, PathArguments, ReturnType, Signature, Type};

use crate::errors::Errors;

/// What the expansion needs to know about a checked function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TestFn {
    /// The function takes the network (`net: &Net`).
    pub(crate) takes_net: bool,
    /// `async fn` (only accepted with the `tokio` feature).
    pub(crate) is_async: bool,
}

/// The message for an `async fn` without the `tokio` feature.
const ASYNC_NEEDS_TOKIO: &str = concat!(
    "`async fn` tests need the `tokio` feature of netns-test: ",
    "`netns-test = { version = \"",
    env!("CARGO_PKG_VERSION_MAJOR"),
    ".",
    env!("CARGO_PKG_VERSION_MINOR"),
    "\", features = [\"tokio\"] }`"
);

/// Checks `func`, reporting every problem on its own token.
pub(crate) fn check(func: &ItemFn) -> syn::Result<TestFn> {
    check_with(func, cfg!(feature = "tokio"))
}

/// [`check`] with the `tokio` feature given, so both cases are testable.
fn check_with(func: &ItemFn, tokio: bool) -> syn::Result<TestFn> {
    let mut errors = Errors::default();
    for attr in &func.attrs {
        errors.take(check_attribute(attr));
    }
    let sig = &func.sig;
    check_qualifiers(sig, tokio, &mut errors);
    let takes_net = check_inputs(sig, &mut errors);
    errors.take(check_output(&sig.output));
    errors.finish(TestFn {
        takes_net,
        is_async: sig.asyncness.is_some(),
    })
}

/// Refuses attributes that would make the function a test twice.
fn check_attribute(attr: &Attribute) -> syn::Result<()> {
    let Some(last) = attr.path().segments.last() else {
        return Ok(());
    };
    if last.ident == "test" {
        return Err(syn::Error::new_spanned(
            attr,
            "`#[netns_test]` already makes this function a test; remove this attribute",
        ));
    }
    if last.ident == "netns_test" {
        return Err(syn::Error::new_spanned(
            attr,
            "`#[netns_test]` is given twice; remove one",
        ));
    }
    Ok(())
}

fn check_qualifiers(sig: &Signature, tokio: bool, errors: &mut Errors) {
    if let Some(token) = &sig.constness {
        errors.push(syn::Error::new_spanned(
            token,
            "a `#[netns_test]` function cannot be `const fn`; remove `const`",
        ));
    }
    if let Some(token) = &sig.asyncness {
        if !tokio {
            errors.push(syn::Error::new_spanned(token, ASYNC_NEEDS_TOKIO));
        }
    }
    if let Some(token) = &sig.unsafety {
        errors.push(syn::Error::new_spanned(
            token,
            "a `#[netns_test]` function cannot be `unsafe fn`; remove `unsafe` \
             and use an `unsafe` block in the body",
        ));
    }
    if let Some(abi) = &sig.abi {
        errors.push(syn::Error::new_spanned(
            abi,
            format!(
                "a `#[netns_test]` function cannot be `{}`; remove the ABI",
                abi.to_token_stream()
            ),
        ));
    }
    let generics = &sig.generics;
    if !generics.params.is_empty() {
        let (lt, params, gt) = (&generics.lt_token, &generics.params, &generics.gt_token);
        errors.push(syn::Error::new_spanned(
            quote::quote!(#lt #params #gt),
            "a `#[netns_test]` function cannot be generic: the test harness has no way \
             to choose the parameters; remove them",
        ));
    }
    if let Some(clause) = &generics.where_clause {
        errors.push(syn::Error::new_spanned(
            clause,
            "a `#[netns_test]` function cannot have a `where` clause; remove it",
        ));
    }
    if let Some(variadic) = &sig.variadic {
        errors.push(syn::Error::new_spanned(
            variadic,
            "a `#[netns_test]` function cannot be variadic; remove the `...` argument",
        ));
    }
}

/// Checks the arguments; true when the function takes the network.
fn check_inputs(sig: &Signature, errors: &mut Errors) -> bool {
    let mut inputs = sig.inputs.iter();
    let takes_net = match inputs.next() {
        None => false,
        Some(FnArg::Receiver(receiver)) => {
            errors.push(syn::Error::new_spanned(
                receiver,
                "a `#[netns_test]` function cannot take `self`; it takes no argument \
                 or the test's network as `net: &Net`",
            ));
            false
        }
        Some(FnArg::Typed(arg)) => {
            errors.take(check_net_type(&arg.ty));
            true
        }
    };
    for extra in inputs {
        errors.push(syn::Error::new_spanned(
            extra,
            "a `#[netns_test]` function takes at most one argument, the test's network \
             as `net: &Net`; remove this one",
        ));
    }
    takes_net
}

/// Accepts `&Net`, `&netns_test::Net` and `&::netns_test::Net`.
fn check_net_type(ty: &Type) -> syn::Result<()> {
    let expected = "expected `&Net`: a `#[netns_test]` function takes no argument or the \
                    test's network as `net: &Net` (`netns_test::Net`)";
    match ungroup(ty) {
        Type::Reference(reference) => {
            if !is_net(&reference.elem) {
                return Err(syn::Error::new_spanned(ty, expected));
            }
            if let Some(token) = &reference.mutability {
                return Err(syn::Error::new_spanned(
                    token,
                    "the network is shared, not mutable: take `&Net`, not `&mut Net`; \
                     remove `mut`",
                ));
            }
            match &reference.lifetime {
                Some(lifetime) if lifetime.ident != "_" => Err(syn::Error::new_spanned(
                    lifetime,
                    "the network is borrowed for the test only: take `&Net`; remove the \
                     lifetime",
                )),
                _ => Ok(()),
            }
        }
        elem if is_net(elem) => Err(syn::Error::new_spanned(
            ty,
            "take the network by reference: `net: &Net`",
        )),
        _ => Err(syn::Error::new_spanned(ty, expected)),
    }
}

/// `Net`, `netns_test::Net` or `::netns_test::Net`, without arguments.
fn is_net(ty: &Type) -> bool {
    let Type::Path(path) = ungroup(ty) else {
        return false;
    };
    if path.qself.is_some() {
        return false;
    }
    let segments: Vec<String> = path
        .path
        .segments
        .iter()
        .filter(|segment| matches!(segment.arguments, PathArguments::None))
        .map(|segment| segment.ident.to_string())
        .collect();
    let leading = path.path.leading_colon.is_some();
    segments.len() == path.path.segments.len()
        && match segments.as_slice() {
            [net] => net == "Net" && !leading,
            [krate, net] => krate == "netns_test" && net == "Net",
            _ => false,
        }
}

/// Accepts no return type, `()`, or a path whose last name ends in `Result`
/// (`Result`, `io::Result`, an alias such as `TestResult`); `Result<T, E>`
/// itself must have `()` for `T`. The runtime's `TestReturn` trait has the
/// last word at type checking; this check only turns the common mistakes
/// into a message that names the accepted forms.
fn check_output(output: &ReturnType) -> syn::Result<()> {
    let ReturnType::Type(_, ty) = output else {
        return Ok(());
    };
    let expected = "a `#[netns_test]` function returns `()` or `Result<(), E>` with \
                    `E: Debug`, as std tests do (a type alias is accepted when its name \
                    ends in `Result`)";
    let last = match ungroup(ty) {
        Type::Tuple(tuple) if tuple.elems.is_empty() => return Ok(()),
        Type::Path(path) if path.qself.is_none() => path.path.segments.last(),
        _ => None,
    };
    let Some(last) = last.filter(|last| last.ident.to_string().ends_with("Result")) else {
        return Err(syn::Error::new_spanned(ty, expected));
    };
    match &last.arguments {
        PathArguments::AngleBracketed(arguments) if last.ident == "Result" => {
            match arguments.args.first() {
                Some(GenericArgument::Type(ok)) if !is_unit(ok) => Err(syn::Error::new_spanned(
                    ok,
                    "the `Ok` type of a test's `Result` is `()`: return `Result<(), E>` \
                     and check values in the body",
                )),
                _ => Ok(()),
            }
        }
        _ => Ok(()),
    }
}

fn is_unit(ty: &Type) -> bool {
    matches!(ungroup(ty), Type::Tuple(tuple) if tuple.elems.is_empty())
}

/// Looks through the invisible groups and parentheses macros leave around
/// types.
fn ungroup(ty: &Type) -> &Type {
    match ty {
        Type::Group(group) => ungroup(&group.elem),
        Type::Paren(paren) => ungroup(&paren.elem),
        _ => ty,
    }
}

#[cfg(test)]
mod signature_should {
    use super::*;
    use proc_macro2::TokenStream;
    use quote::quote;

    fn checked(item: TokenStream) -> TestFn {
        let func: ItemFn = syn::parse2(item).unwrap();
        check_with(&func, false).unwrap_or_else(|e| panic!("refused: {e}"))
    }

    fn messages_with(item: TokenStream, tokio: bool) -> Vec<String> {
        let func: ItemFn = syn::parse2(item).unwrap();
        match check_with(&func, tokio) {
            Ok(test) => panic!("accepted as {test:?}"),
            Err(error) => error.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    fn message(item: TokenStream) -> String {
        let all = messages_with(item, false);
        assert_eq!(all.len(), 1, "{all:#?}");
        all.into_iter().next().unwrap_or_default()
    }

    #[test]
    fn accept_a_function_without_arguments() {
        let test = checked(quote!(
            fn t() {}
        ));
        assert_eq!(
            test,
            TestFn {
                takes_net: false,
                is_async: false
            }
        );
    }

    #[test]
    fn accept_the_network_under_any_pattern_and_spelling() {
        for item in [
            quote!(
                fn t(net: &Net) {}
            ),
            quote!(
                fn t(_: &netns_test::Net) {}
            ),
            quote!(
                fn t(mut n: &::netns_test::Net) {}
            ),
            quote!(
                fn t(net: &'_ Net) {}
            ),
        ] {
            assert!(checked(item).takes_net);
        }
    }

    #[test]
    fn accept_unit_and_result_returns() {
        for item in [
            quote!(
                fn t() -> () {}
            ),
            quote!(
                fn t() -> Result<(), String> {
                    Ok(())
                }
            ),
            quote!(
                fn t() -> std::io::Result<()> {
                    Ok(())
                }
            ),
            quote!(
                fn t() -> anyhow::Result<()> {
                    Ok(())
                }
            ),
            quote!(
                fn t() -> Result<(), Box<dyn std::error::Error>> {
                    Ok(())
                }
            ),
        ] {
            checked(item);
        }
    }

    #[test]
    fn accept_an_async_function_with_the_tokio_feature() {
        let func: ItemFn = syn::parse2(quote!(
            async fn t(net: &Net) {}
        ))
        .unwrap();
        let test = check_with(&func, true).unwrap();
        assert_eq!(
            test,
            TestFn {
                takes_net: true,
                is_async: true
            }
        );
    }

    #[test]
    fn refuse_an_async_function_without_the_tokio_feature_and_name_it() {
        let message = message(quote!(
            async fn t() {}
        ));
        assert!(message.starts_with("`async fn` tests need the `tokio` feature of netns-test"));
        assert!(message.contains("features = [\"tokio\"]"));
    }

    #[test]
    fn refuse_a_mutable_network() {
        assert!(message(quote!(
            fn t(net: &mut Net) {}
        ))
        .contains("not `&mut Net`"));
    }

    #[test]
    fn refuse_the_network_by_value() {
        assert_eq!(
            message(quote!(
                fn t(net: Net) {}
            )),
            "take the network by reference: `net: &Net`"
        );
    }

    #[test]
    fn refuse_other_argument_types() {
        for item in [
            quote!(
                fn t(net: &str) {}
            ),
            quote!(
                fn t(net: &Net<u8>) {}
            ),
            quote!(
                fn t(net: &::Net) {}
            ),
            quote!(
                fn t(net: &other::Net) {}
            ),
        ] {
            assert!(message(item).starts_with("expected `&Net`"));
        }
    }

    #[test]
    fn refuse_a_named_lifetime_on_the_network() {
        assert!(message(quote!(
            fn t(net: &'a Net) {}
        ))
        .contains("remove the lifetime"));
    }

    #[test]
    fn refuse_each_extra_argument() {
        let all = messages_with(
            quote!(
                fn t(net: &Net, a: u8, b: u8) {}
            ),
            false,
        );
        assert_eq!(all.len(), 2);
        assert!(all[0].starts_with("a `#[netns_test]` function takes at most one argument"));
    }

    #[test]
    fn refuse_self() {
        assert!(message(quote!(
            fn t(&self) {}
        ))
        .contains("cannot take `self`"));
    }

    #[test]
    fn refuse_generics_and_where_clauses() {
        let all = messages_with(
            quote!(
                fn t<T: Copy>()
                where
                    T: Clone,
                {
                }
            ),
            false,
        );
        assert_eq!(all.len(), 2);
        assert!(all[0].starts_with("a `#[netns_test]` function cannot be generic"));
        assert!(all[1].contains("`where` clause"));
    }

    #[test]
    fn refuse_const_unsafe_and_extern_functions_at_once() {
        let all = messages_with(
            quote!(
                const unsafe extern "C" fn t() {}
            ),
            false,
        );
        assert_eq!(
            all,
            [
                "a `#[netns_test]` function cannot be `const fn`; remove `const`",
                "a `#[netns_test]` function cannot be `unsafe fn`; remove `unsafe` and use an \
                 `unsafe` block in the body",
                "a `#[netns_test]` function cannot be `extern \"C\"`; remove the ABI",
            ]
        );
    }

    #[test]
    fn refuse_a_variadic_function() {
        assert!(message(quote!(
            fn t(...) {}
        ))
        .contains("cannot be variadic"));
    }

    #[test]
    fn refuse_a_return_type_libtest_does_not_accept() {
        for item in [
            quote!(
                fn t() -> u8 {
                    0
                }
            ),
            quote!(
                fn t() -> impl std::fmt::Debug {
                    0
                }
            ),
            quote!(
                fn t() -> Option<()> {
                    None
                }
            ),
        ] {
            assert!(message(item).starts_with("a `#[netns_test]` function returns `()` or"));
        }
    }

    #[test]
    fn refuse_a_result_whose_ok_type_is_not_unit() {
        assert!(message(quote!(
            fn t() -> Result<u8, String> {
                Ok(0)
            }
        ))
        .contains("the `Ok` type"));
    }

    #[test]
    fn refuse_a_second_test_attribute() {
        for item in [
            quote!(
                #[test]
                fn t() {}
            ),
            quote!(
                #[tokio::test]
                fn t() {}
            ),
            // What `#[tokio::test]` above `#[netns_test]` hands on.
            quote!(
                #[::core::prelude::v1::test]
                fn t() {}
            ),
        ] {
            assert!(message(item).contains("already makes this function a test"));
        }
        assert!(message(quote!(
            #[netns_test]
            fn t() {}
        ))
        .contains("given twice"));
    }

    #[test]
    fn leave_other_attributes_alone() {
        checked(quote!(
            #[should_panic(expected = "boom")]
            #[ignore]
            /// Documented.
            #[cfg(target_os = "linux")]
            fn t() {}
        ));
    }
}
