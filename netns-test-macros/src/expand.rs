//! The pipeline of the attribute: parse the arguments, check the function and
//! the topology, then render the test; on any error, the user's function is
//! emitted unchanged beside the errors.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{ItemFn, ReturnType};

use crate::errors;
use crate::should_panic::ShouldPanic;
use crate::signature::TestFn;
use crate::timeout::Timeout;
use crate::topology::Checked;
use crate::{args, should_panic, signature, topology};

/// What a test registered twice with libtest says when it starts the second
/// time; see [`render`].
const REGISTERED_TWICE: &str = "netns-test: this test is registered twice, so libtest runs it \
     twice: a test attribute above `#[netns_test]` (`#[test]`, `#[test_case]`, ...) registers it \
     again, and the compiler expands that attribute before `#[netns_test]` can see it\n  \
     help: remove `#[test]` (or the other test attribute): `#[netns_test]` already makes this \
     a test";

/// Everything the checks found out, ready to render.
struct Test {
    shape: TestFn,
    should_panic: ShouldPanic,
    topology: Checked,
    timeout: Option<Timeout>,
}

/// Expands `#[netns_test(args)] item`.
pub(crate) fn netns_test(args: TokenStream, item: TokenStream) -> TokenStream {
    let func: ItemFn = match syn::parse2(item.clone()) {
        Ok(func) => func,
        Err(error) => {
            let error = syn::Error::new(
                error.span(),
                format!("`#[netns_test]` goes on a test function: {error}"),
            );
            return errors::beside_original(item, error);
        }
    };
    match check(args, &func) {
        Ok(test) => render(func, &test),
        Err(error) => errors::beside_original(item, error),
    }
}

/// Every check, each mistake reported: the arguments, the function (its
/// signature and `#[should_panic]`), then the topology (which needs the
/// arguments to know where it comes from).
fn check(args: TokenStream, func: &ItemFn) -> syn::Result<Test> {
    let function = errors::both(signature::check(func), should_panic::read(&func.attrs));
    let args = match args::parse(args) {
        Ok(args) => args,
        Err(mut error) => {
            if let Err(more) = function {
                error.combine(more);
            }
            return Err(error);
        }
    };
    let ((shape, should_panic), topology) = errors::both(function, topology::check(args.topology))?;
    Ok(Test {
        shape,
        should_panic,
        topology,
        timeout: args.timeout,
    })
}

/// Renders the test: a libtest `#[test]` with the user's attributes, whose
/// body holds the user's function (renamed, spans kept) and hands it to the
/// runtime.
///
/// A test attribute above `#[netns_test]` (`#[test]`, `#[test_case]`) makes
/// libtest register the function once more. The compiler expands that
/// attribute first and hides its trace from proc macros, so this macro cannot
/// refuse it; instead the second start of the function fails the test with
/// [`REGISTERED_TWICE`]. (It fails by returning when the test should panic,
/// since a panic would pass it.)
fn render(func: ItemFn, test: &Test) -> TokenStream {
    let ItemFn {
        attrs,
        vis,
        sig,
        block,
    } = func;
    let fn_token = sig.fn_token;
    let name = &sig.ident;
    let name_text = name.to_string();

    // The test's parts live beside the `#[test]` function, not inside it:
    // a `harness = false` target compiles `#[test]` functions out, and its
    // harness finds the test through the registration below.
    let body_name = Ident::new(&format!("__netns_test_body_{name_text}"), name.span());
    let run_name = Ident::new(&format!("__netns_test_run_{name_text}"), Span::call_site());
    let def_name = Ident::new(&format!("__NETNS_TEST_DEF_{name_text}"), Span::call_site());
    let register_name = Ident::new(
        &format!("__NETNS_TEST_REGISTER_{name_text}"),
        Span::call_site(),
    );
    let ignored = attrs.iter().any(|a| a.path().is_ident("ignore"));
    // A test compiled only under a condition has its parts compiled only
    // under it too.
    let cfgs: Vec<_> = attrs.iter().filter(|a| a.path().is_ident("cfg")).collect();
    // The user's lint levels are for the user's code, which is the body.
    let lints: Vec<_> = attrs
        .iter()
        .filter(|a| {
            ["allow", "warn", "deny", "forbid", "expect"]
                .iter()
                .any(|lint| a.path().is_ident(lint))
        })
        .collect();
    let mut body_sig = sig.clone();
    body_sig.ident = body_name.clone();

    let topology = match &test.topology {
        Checked::None => quote!(""),
        Checked::Inline(text) => quote!(#text),
        Checked::File(path) => quote_spanned! {path.span()=>
            ::core::include_str!(::core::concat!(::core::env!("CARGO_MANIFEST_DIR"), "/", #path))
        },
    };
    let timeout_ms = match test.timeout {
        Some(timeout) => {
            let millis = timeout.millis();
            quote!(::core::option::Option::Some(#millis))
        }
        None => quote!(::core::option::Option::None),
    };
    let should_panic = &test.should_panic;
    let registered_twice = if should_panic.expects_panic() {
        quote! {
            ::std::eprintln!("{}", #REGISTERED_TWICE);
            return;
        }
    } else {
        quote!(::core::panic!("{}", #REGISTERED_TWICE);)
    };

    // The call carries the span of the return type, so a return type that is
    // not a test result (say `Result<(), E>` with `E` not `Debug`) is
    // reported there rather than on the attribute.
    let return_span = match &sig.output {
        ReturnType::Type(_, ty) => ty.span(),
        ReturnType::Default => name.span(),
    };
    let net = Ident::new("net", Span::call_site());
    let argument = if test.shape.takes_net {
        Some(&net)
    } else {
        None
    };
    let mut call = quote_spanned!(return_span=> #body_name(#argument));
    if test.shape.is_async {
        call = quote_spanned!(return_span=> ::netns_test::__private::block_on(#call));
    }
    let result = quote_spanned! {return_span=>
        ::netns_test::__private::TestReturn::into_test_result(#call)
    };
    let parameter = if test.shape.takes_net {
        quote!(#net)
    } else {
        quote!(_)
    };

    quote! {
        #(#cfgs)*
        #(#lints)*
        #[doc(hidden)]
        #[allow(non_snake_case)]
        #body_sig #block
        #(#cfgs)*
        #[doc(hidden)]
        #[allow(non_snake_case)]
        fn #run_name(#parameter: &::netns_test::Net) -> ::core::result::Result<(), ::std::string::String> {
            #result
        }
        #(#cfgs)*
        #[doc(hidden)]
        #[allow(non_upper_case_globals)]
        static #def_name: ::netns_test::__private::TestDef = ::netns_test::__private::TestDef {
            module_path: ::core::module_path!(),
            name: #name_text,
            topology: #topology,
            timeout_ms: #timeout_ms,
            should_panic: #should_panic,
            ignored: #ignored,
        };
        // Before `main`, for `netns_test::harness`: a constructor, as the
        // fork server's, that adds the test to the registry.
        #(#cfgs)*
        #[doc(hidden)]
        #[allow(non_upper_case_globals, unsafe_code)]
        #[cfg(target_os = "linux")]
        #[used]
        #[unsafe(link_section = ".init_array")]
        static #register_name: extern "C" fn() = {
            extern "C" fn register() {
                ::netns_test::__private::register(&#def_name, #run_name);
            }
            register
        };
        #[::core::prelude::v1::test]
        #(#attrs)*
        #vis #fn_token #name() {
            static __NETNS_TEST_STARTED: ::core::sync::atomic::AtomicBool =
                ::core::sync::atomic::AtomicBool::new(false);
            if __NETNS_TEST_STARTED.swap(true, ::core::sync::atomic::Ordering::Relaxed) {
                #registered_twice
            }
            ::netns_test::__private::run(&#def_name, #run_name);
        }
    }
}

#[cfg(test)]
mod expansion_should {
    use super::*;

    fn expand(args: TokenStream, item: TokenStream) -> String {
        netns_test(args, item).to_string()
    }

    /// A checked test of `shape` with `topology`, no `#[should_panic]` and no
    /// timeout.
    fn test(shape: TestFn, topology: Checked) -> Test {
        Test {
            shape,
            should_panic: ShouldPanic::No,
            topology,
            timeout: None,
        }
    }

    #[test]
    fn wrap_a_net_taking_function_in_a_libtest_test() {
        let output = expand(
            quote!(topology = "node a", timeout = "10s"),
            quote! {
                /// Checks a.
                #[should_panic(expected = "x")]
                fn my_test(net: &Net) -> Result<(), MyErr> { body(net) }
            },
        );
        let expected = quote! {
            #[doc(hidden)]
            #[allow(non_snake_case)]
            fn __netns_test_body_my_test(net: &Net) -> Result<(), MyErr> { body(net) }
            #[doc(hidden)]
            #[allow(non_snake_case)]
            fn __netns_test_run_my_test(net: &::netns_test::Net)
                -> ::core::result::Result<(), ::std::string::String> {
                ::netns_test::__private::TestReturn::into_test_result(__netns_test_body_my_test(net))
            }
            #[doc(hidden)]
            #[allow(non_upper_case_globals)]
            static __NETNS_TEST_DEF_my_test: ::netns_test::__private::TestDef =
                ::netns_test::__private::TestDef {
                    module_path: ::core::module_path!(),
                    name: "my_test",
                    topology: "node a",
                    timeout_ms: ::core::option::Option::Some(10000u64),
                    should_panic: ::netns_test::__private::ShouldPanic::YesWithMessage("x"),
                    ignored: false,
                };
            #[doc(hidden)]
            #[allow(non_upper_case_globals, unsafe_code)]
            #[cfg(target_os = "linux")]
            #[used]
            #[unsafe(link_section = ".init_array")]
            static __NETNS_TEST_REGISTER_my_test: extern "C" fn() = {
                extern "C" fn register() {
                    ::netns_test::__private::register(&__NETNS_TEST_DEF_my_test, __netns_test_run_my_test);
                }
                register
            };
            #[::core::prelude::v1::test]
            #[doc = r" Checks a."]
            #[should_panic(expected = "x")]
            fn my_test() {
                static __NETNS_TEST_STARTED: ::core::sync::atomic::AtomicBool =
                    ::core::sync::atomic::AtomicBool::new(false);
                if __NETNS_TEST_STARTED.swap(true, ::core::sync::atomic::Ordering::Relaxed) {
                    ::std::eprintln!("{}", #REGISTERED_TWICE);
                    return;
                }
                ::netns_test::__private::run(&__NETNS_TEST_DEF_my_test, __netns_test_run_my_test);
            }
        };
        assert_eq!(output, expected.to_string());
    }

    #[test]
    fn call_a_function_without_arguments_without_the_network() {
        let output = expand(
            TokenStream::new(),
            quote!(
                pub fn solo() {}
            ),
        );
        let body = quote!(
            fn __netns_test_body_solo() {}
        );
        let run = quote! {
            fn __netns_test_run_solo(_: &::netns_test::Net)
                -> ::core::result::Result<(), ::std::string::String> {
                ::netns_test::__private::TestReturn::into_test_result(__netns_test_body_solo())
            }
        };
        let test = quote! {
            #[::core::prelude::v1::test]
            pub fn solo() {
                static __NETNS_TEST_STARTED: ::core::sync::atomic::AtomicBool =
                    ::core::sync::atomic::AtomicBool::new(false);
                if __NETNS_TEST_STARTED.swap(true, ::core::sync::atomic::Ordering::Relaxed) {
                    ::core::panic!("{}", #REGISTERED_TWICE);
                }
                ::netns_test::__private::run(&__NETNS_TEST_DEF_solo, __netns_test_run_solo);
            }
        };
        for part in [body, run, test] {
            assert!(
                output.contains(&part.to_string()),
                "{part}\nnot in\n{output}"
            );
        }
    }

    #[test]
    fn include_a_topology_file_so_cargo_tracks_it() {
        let func: ItemFn = syn::parse2(quote!(
            fn t() {}
        ))
        .unwrap();
        let shape = TestFn {
            takes_net: false,
            is_async: false,
        };
        let path = syn::parse2(quote!("tests/topologies/lan.net")).unwrap();
        let output = render(func, &test(shape, Checked::File(path))).to_string();
        let included = quote! {
            topology: ::core::include_str!(::core::concat!(
                ::core::env!("CARGO_MANIFEST_DIR"), "/", "tests/topologies/lan.net"
            )),
        };
        assert!(output.contains(&included.to_string()), "{output}");
    }

    #[test]
    fn block_on_an_async_body() {
        let func: ItemFn = syn::parse2(quote!(
            async fn t(net: &Net) {}
        ))
        .unwrap();
        let shape = TestFn {
            takes_net: true,
            is_async: true,
        };
        let output = render(func, &test(shape, Checked::None)).to_string();
        assert!(output.contains("async fn __netns_test_body_t (net : & Net) { }"));
        assert!(output.contains(
            "into_test_result (:: netns_test :: __private :: block_on (__netns_test_body_t (net)))"
        ));
    }

    #[test]
    fn read_a_should_panic_given_above_the_attribute_and_keep_it() {
        // As rustc hands it over for `#[should_panic] #[netns_test] fn t()`:
        // the inert attributes above come with the item.
        let output = expand(
            TokenStream::new(),
            quote! {
                #[should_panic]
                #[ignore]
                fn t() {}
            },
        );
        let kept = quote!(#[::core::prelude::v1::test] #[should_panic] #[ignore] fn t());
        assert!(output.contains(&kept.to_string()), "{output}");
        assert!(output.contains("ignored : true"), "{output}");
        let def = quote!(should_panic: ::netns_test::__private::ShouldPanic::Yes,);
        assert!(output.contains(&def.to_string()), "{output}");
    }

    #[test]
    fn compile_the_parts_of_a_conditional_test_under_its_condition() {
        let output = expand(
            TokenStream::new(),
            quote! {
                #[cfg(feature = "x")]
                fn t() {}
            },
        );
        let cfg = quote!(#[cfg(feature = "x")]).to_string();
        // The body, the run function, the definition, the registration and
        // the test itself.
        assert_eq!(output.matches(&cfg).count(), 5, "{output}");
    }

    #[test]
    fn fail_a_second_start_of_a_should_panic_test_without_panicking() {
        let output = expand(
            TokenStream::new(),
            quote! {
                #[should_panic]
                fn t() {}
            },
        );
        let second_start = quote! {
            if __NETNS_TEST_STARTED.swap(true, ::core::sync::atomic::Ordering::Relaxed) {
                ::std::eprintln!("{}", #REGISTERED_TWICE);
                return;
            }
        };
        assert!(output.contains(&second_start.to_string()), "{output}");
    }

    #[test]
    fn keep_the_function_and_add_every_error_when_anything_is_wrong() {
        let item = quote!(
            fn t(net: Net) -> u8 {
                0
            }
        );
        let output = expand(quote!(foo = "1"), item.clone());
        assert_eq!(output.matches("compile_error").count(), 3, "{output}");
        assert!(output.ends_with(&quote!(#[allow(dead_code)] #item).to_string()));
    }

    #[test]
    fn report_signature_and_topology_mistakes_together() {
        let output = expand(
            quote!(topology = "nodes a"),
            quote!(
                fn t(net: Net) {}
            ),
        );
        assert_eq!(output.matches("compile_error").count(), 2, "{output}");
        assert!(output.contains("take the network by reference"), "{output}");
        assert!(output.contains("unknown statement `nodes`"), "{output}");
    }

    #[test]
    fn report_a_should_panic_mistake_after_the_arguments_and_the_signature() {
        let output = expand(
            quote!(foo = "1"),
            quote! {
                #[should_panic = concat!("no ", "route")]
                fn t(net: Net) {}
            },
        );
        let unknown = output.find("unknown argument `foo`");
        let by_value = output.find("take the network by reference");
        let literal = output.find("as a string literal");
        assert!(
            unknown.is_some() && unknown < by_value && by_value < literal,
            "{output}"
        );
    }

    #[test]
    fn refuse_an_item_that_is_not_a_function() {
        let output = expand(
            TokenStream::new(),
            quote!(
                struct S;
            ),
        );
        assert!(output.contains("`#[netns_test]` goes on a test function"));
        assert!(output.ends_with("struct S ;"));
    }
}
