//! The registry of interviewer personas: the named voices this build ships (their
//! prompts live in `assets/prompts/`). The agent turns a persona into a system
//! prompt; the CLI lists the names; the config and the service check a name here.
//!
//! Imports nothing of ours.

/// Registry name of the persona used when none is chosen (the first of [`PERSONAS`]).
pub const DEFAULT_PERSONA: &str = "career-interviewer";

/// A named interviewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Persona {
    /// Registry name, stored with each conversation (e.g. `career-interviewer`).
    pub name: &'static str,
    /// One line for help texts and pickers.
    pub description: &'static str,
    /// Who the interviewer is and how they sound.
    pub prompt: &'static str,
}

/// Every persona this build ships; the first is the default.
pub const PERSONAS: &[Persona] = &[
    Persona {
        name: "career-interviewer",
        description: "Career Interviewer: a fair, well-prepared hiring manager running a realistic interview",
        prompt: include_str!("../../assets/prompts/career-interviewer.md"),
    },
    Persona {
        name: "supportive-coach",
        description: "Supportive Coach: a patient, encouraging interviewer for first practice sessions",
        prompt: include_str!("../../assets/prompts/supportive-coach.md"),
    },
    Persona {
        name: "bar-raiser",
        description: "Bar Raiser: a demanding senior interviewer who probes every claim for evidence",
        prompt: include_str!("../../assets/prompts/bar-raiser.md"),
    },
];

/// Unknown persona name, with the names that exist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("there is no persona {name:?}; choose one of: {}", known_names())]
pub struct UnknownPersona {
    pub name: String,
}

fn known_names() -> String {
    PERSONAS
        .iter()
        .map(|p| p.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Looks a persona up by name.
pub fn find(name: &str) -> Result<&'static Persona, UnknownPersona> {
    PERSONAS
        .iter()
        .find(|p| p.name == name)
        .ok_or_else(|| UnknownPersona {
            name: name.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_persona_is_registered_first_and_lookup_fails_clearly() {
        assert_eq!(PERSONAS[0].name, DEFAULT_PERSONA);
        assert!(find("career-interviewer").is_ok());
        let err = find("nobody").expect_err("unknown");
        assert!(err.to_string().contains("bar-raiser"), "{err}");
        for p in PERSONAS {
            assert!(!p.description.is_empty() && !p.prompt.trim().is_empty());
        }
    }
}
