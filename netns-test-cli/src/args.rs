//! The command line: `netns-test SUBCOMMAND ...`, parsed by hand (five
//! subcommands and three options do not earn a parser crate).

use std::ffi::OsString;

/// The usage text, printed by `help` and after a usage error.
pub(crate) const USAGE: &str = "\
usage: netns-test check FILE
       netns-test describe FILE
       netns-test run FILE [--node NAME] -- COMMAND [ARGS...]
       netns-test shell FILE [--node NAME]
       netns-test enter [NODE] [--pid PID] [-- COMMAND [ARGS...]]
       netns-test draw FILE [--format svg|mermaid|dot]

  check     print FILE's topology errors as the compiler shows them; exit 1 if any
  describe  build FILE's network, print its state, tear it down
  run       build it, run COMMAND in NAME (default: host), pass its exit status on
  shell     build it and open $SHELL (or /bin/sh) in NAME; the network lives
            until that shell exits
  enter     open a shell (or run COMMAND) in NODE (default: host) of the most
            recent network of `shell` or of a test paused by
            NETNS_TEST_PAUSE=failure, or of the one whose pid is PID
  draw      print a picture of FILE's network: SVG (the default; self-contained),
            mermaid (GitHub renders it) or DOT (graphviz); builds nothing

Nothing needs root; nothing is left behind.";

/// What to do.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Command {
    Help,
    Version,
    Check {
        file: String,
    },
    Describe {
        file: String,
    },
    Run {
        file: String,
        node: String,
        program: OsString,
        args: Vec<OsString>,
    },
    Shell {
        file: String,
        node: String,
    },
    Enter {
        node: String,
        pid: Option<u32>,
        command: Option<(OsString, Vec<OsString>)>,
    },
    Draw {
        file: String,
        format: Format,
    },
}

/// What `draw` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Svg,
    Mermaid,
    Dot,
}

/// Parses the arguments after the program's name; the error is one line
/// that says what is wrong.
pub(crate) fn parse(args: Vec<OsString>) -> Result<Command, String> {
    let mut args = args.into_iter();
    let Some(sub) = args.next() else {
        return Err("no subcommand given".into());
    };
    let sub = text(sub)?;
    // Everything after `--` is the command to run, untouched.
    let mut before = Vec::new();
    let mut after = None;
    for arg in args.by_ref() {
        if arg == "--" {
            after = Some(args.by_ref().collect::<Vec<_>>());
            break;
        }
        before.push(arg);
    }
    let mut words = Vec::new();
    let mut node = None;
    let mut pid = None;
    let mut format = None;
    let mut before = before.into_iter();
    while let Some(arg) = before.next() {
        let arg = text(arg)?;
        match arg.as_str() {
            "--node" | "--pid" | "--format" => {
                let value = before
                    .next()
                    .ok_or_else(|| format!("`{arg}` needs a value"))
                    .and_then(text)?;
                let repeated = match arg.as_str() {
                    "--node" => node.is_some(),
                    "--pid" => pid.is_some(),
                    _ => format.is_some(),
                };
                if repeated {
                    return Err(format!("`{arg}` is given twice"));
                }
                if arg == "--node" {
                    node = Some(value);
                } else if arg == "--format" {
                    format = Some(match value.as_str() {
                        "svg" => Format::Svg,
                        "mermaid" => Format::Mermaid,
                        "dot" => Format::Dot,
                        other => {
                            return Err(format!(
                                "`--format {other}`: the formats are svg, mermaid and dot"
                            ))
                        }
                    });
                } else {
                    pid = Some(value.parse::<u32>().map_err(|_| {
                        format!(
                            "`--pid {value}`: a pid is a number, as `netns-test shell` prints it"
                        )
                    })?);
                }
            }
            "-h" | "--help" => return Ok(Command::Help),
            flag if flag.starts_with('-') && flag.len() > 1 => {
                return Err(format!("unknown option `{flag}` for `{sub}`"))
            }
            _ => words.push(arg),
        }
    }
    let refuse = |what: &str, given: bool| {
        if given {
            Err(format!("`{sub}` takes no {what}"))
        } else {
            Ok(())
        }
    };
    let one_file = |words: Vec<String>| match <[String; 1]>::try_from(words) {
        Ok([file]) => Ok(file),
        Err(words) if words.is_empty() => Err(format!("`{sub}` needs a topology FILE")),
        Err(words) => Err(format!("`{sub}` takes one FILE, not {}", words.join(" "))),
    };
    let command = |after: Option<Vec<OsString>>| {
        let mut after = after.unwrap_or_default().into_iter();
        after
            .next()
            .map(|program| (program, after.collect::<Vec<_>>()))
    };
    match sub.as_str() {
        "help" | "-h" | "--help" => Ok(Command::Help),
        "version" | "-V" | "--version" => Ok(Command::Version),
        "check" | "describe" | "draw" => {
            refuse("--node", node.is_some())?;
            refuse("--pid", pid.is_some())?;
            refuse("COMMAND after `--`", after.is_some())?;
            if sub != "draw" {
                refuse("--format", format.is_some())?;
            }
            let file = one_file(words)?;
            Ok(match sub.as_str() {
                "check" => Command::Check { file },
                "describe" => Command::Describe { file },
                _ => Command::Draw {
                    file,
                    format: format.unwrap_or(Format::Svg),
                },
            })
        }
        "run" => {
            refuse("--pid", pid.is_some())?;
            refuse("--format", format.is_some())?;
            let file = one_file(words)?;
            let (program, args) = command(after).ok_or(
                "`run` needs a COMMAND after `--`, e.g. `netns-test run lan.net -- ping -c1 10.0.0.1`",
            )?;
            Ok(Command::Run {
                file,
                node: node.unwrap_or_else(|| "host".into()),
                program,
                args,
            })
        }
        "shell" => {
            refuse("--pid", pid.is_some())?;
            refuse("--format", format.is_some())?;
            refuse("COMMAND after `--` (use `run`)", after.is_some())?;
            Ok(Command::Shell {
                file: one_file(words)?,
                node: node.unwrap_or_else(|| "host".into()),
            })
        }
        "enter" => {
            refuse(
                "--node (name the node as the first argument)",
                node.is_some(),
            )?;
            let node = match <[String; 1]>::try_from(words) {
                Ok([node]) => node,
                Err(words) if words.is_empty() => "host".into(),
                Err(words) => {
                    return Err(format!("`enter` takes one NODE, not {}", words.join(" ")))
                }
            };
            Ok(Command::Enter {
                node,
                pid,
                command: command(after),
            })
        }
        other => Err(format!("unknown subcommand `{other}`")),
    }
}

fn text(arg: OsString) -> Result<String, String> {
    arg.into_string()
        .map_err(|arg| format!("argument {arg:?} is not UTF-8"))
}

#[cfg(test)]
mod args_should {
    use super::*;

    fn parse_words(line: &str) -> Result<Command, String> {
        parse(line.split_whitespace().map(OsString::from).collect())
    }

    #[test]
    fn take_the_command_after_the_double_dash_untouched() {
        assert_eq!(
            parse_words("run lan.net --node a -- ping --node -c1 10.0.0.1"),
            Ok(Command::Run {
                file: "lan.net".into(),
                node: "a".into(),
                program: "ping".into(),
                args: ["--node", "-c1", "10.0.0.1"].map(OsString::from).to_vec(),
            })
        );
    }

    #[test]
    fn draw_svg_unless_told_otherwise() {
        assert_eq!(
            parse_words("draw lan.net"),
            Ok(Command::Draw {
                file: "lan.net".into(),
                format: Format::Svg
            })
        );
        assert_eq!(
            parse_words("draw --format mermaid lan.net"),
            Ok(Command::Draw {
                file: "lan.net".into(),
                format: Format::Mermaid
            })
        );
    }

    #[test]
    fn default_to_the_host() {
        assert_eq!(
            parse_words("shell lan.net"),
            Ok(Command::Shell {
                file: "lan.net".into(),
                node: "host".into()
            })
        );
        assert_eq!(
            parse_words("enter --pid 42"),
            Ok(Command::Enter {
                node: "host".into(),
                pid: Some(42),
                command: None
            })
        );
    }

    #[test]
    fn say_what_is_missing_or_wrong() {
        assert_eq!(
            parse_words("run lan.net"),
            Err("`run` needs a COMMAND after `--`, e.g. `netns-test run lan.net -- ping -c1 10.0.0.1`".into())
        );
        assert_eq!(
            parse_words("check"),
            Err("`check` needs a topology FILE".into())
        );
        assert_eq!(
            parse_words("check a.net --node x"),
            Err("`check` takes no --node".into())
        );
        assert_eq!(
            parse_words("enter ns1 --pid me"),
            Err("`--pid me`: a pid is a number, as `netns-test shell` prints it".into())
        );
        assert_eq!(parse_words("frob"), Err("unknown subcommand `frob`".into()));
        assert_eq!(
            parse_words("run a.net --node x --node y -- true"),
            Err("`--node` is given twice".into())
        );
        assert_eq!(
            parse_words("draw a.net --format png"),
            Err("`--format png`: the formats are svg, mermaid and dot".into())
        );
        assert_eq!(
            parse_words("check a.net --format dot"),
            Err("`check` takes no --format".into())
        );
        assert_eq!(
            parse_words("describe a.net --verbose"),
            Err("unknown option `--verbose` for `describe`".into())
        );
    }
}
