//! Errors: collecting every mistake before giving up, and the fallback output
//! that keeps the user's function next to the `compile_error!`s.

use proc_macro2::TokenStream;
use quote::quote;

/// Collects `syn::Error`s so one build reports every mistake, not the first.
#[derive(Default)]
pub(crate) struct Errors {
    combined: Option<syn::Error>,
}

impl Errors {
    /// Records `error` beside the ones already seen.
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.combined {
            Some(combined) => combined.combine(error),
            None => self.combined = Some(error),
        }
    }

    /// The value of `result`, or `None` after recording its error.
    pub(crate) fn take<T>(&mut self, result: syn::Result<T>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.push(error);
                None
            }
        }
    }

    /// `Ok(value)` when nothing was recorded, otherwise every error at once.
    pub(crate) fn finish<T>(self, value: T) -> syn::Result<T> {
        match self.combined {
            Some(error) => Err(error),
            None => Ok(value),
        }
    }
}

/// Both values, or every error of either, `a`'s first.
pub(crate) fn both<A, B>(a: syn::Result<A>, b: syn::Result<B>) -> syn::Result<(A, B)> {
    match (a, b) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (Err(error), Ok(_)) | (Ok(_), Err(error)) => Err(error),
        (Err(mut error), Err(more)) => {
            error.combine(more);
            Err(error)
        }
    }
}

/// The output for an attribute that cannot be expanded: the user's item as
/// written, so editors keep resolving names in it, beside one
/// `compile_error!` per error.
pub(crate) fn beside_original(item: TokenStream, error: syn::Error) -> TokenStream {
    let errors = error.to_compile_error();
    quote! {
        #errors
        #[allow(dead_code)]
        #item
    }
}

#[cfg(test)]
mod errors_should {
    use super::*;
    use proc_macro2::Span;

    fn error(message: &str) -> syn::Error {
        syn::Error::new(Span::call_site(), message)
    }

    #[test]
    fn keep_every_error_in_the_order_given() {
        let mut errors = Errors::default();
        errors.push(error("first"));
        assert_eq!(errors.take::<()>(Err(error("second"))), None);
        assert_eq!(errors.take(Ok(7)), Some(7));
        let combined = errors.finish(()).unwrap_err();
        let messages: Vec<String> = combined.into_iter().map(|e| e.to_string()).collect();
        assert_eq!(messages, ["first", "second"]);
    }

    #[test]
    fn pass_the_value_through_when_nothing_went_wrong() {
        assert_eq!(Errors::default().finish(3).ok(), Some(3));
    }

    #[test]
    fn pair_two_results_or_keep_the_errors_of_both() {
        assert_eq!(both(Ok(1), Ok("a")).ok(), Some((1, "a")));
        let messages = |result: syn::Result<((), ())>| -> Vec<String> {
            result
                .unwrap_err()
                .into_iter()
                .map(|e| e.to_string())
                .collect()
        };
        assert_eq!(messages(both(Err(error("a")), Ok(()))), ["a"]);
        assert_eq!(messages(both(Ok(()), Err(error("b")))), ["b"]);
        assert_eq!(messages(both(Err(error("a")), Err(error("b")))), ["a", "b"]);
    }

    #[test]
    fn emit_the_original_item_after_the_compile_errors() {
        let item = quote! { fn my_test() {} };
        let output = beside_original(item, error("wrong"));
        let expected = quote! {
            ::core::compile_error! { "wrong" }
            #[allow(dead_code)]
            fn my_test() {}
        };
        assert_eq!(output.to_string(), expected.to_string());
    }
}
