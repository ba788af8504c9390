//! Unit tests of the key's shape and of keyring handling, against keyring-core's
//! in-memory mock store (never the process-wide default store).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, mpsc};

use keyring_core::api::CredentialStoreApi;
use keyring_core::{Error as KError, mock};

use super::*;

const KEY: &str = "sk-test-0123456789abcdefWXYZ";

fn mock_keyring() -> Keyring {
    let store = match mock::Store::new() {
        Ok(s) => s,
        Err(e) => panic!("mock store: {e}"),
    };
    Keyring::with_store(store, Duration::from_secs(30))
}

fn key() -> ApiKey {
    match ApiKey::parse(KEY) {
        Ok(k) => k,
        Err(e) => panic!("{e}"),
    }
}

/// Makes the next operation on the mock entry fail with `err`.
fn fail_next(keyring: &Keyring, err: KError) {
    let entry = Entry::new_in_store(&keyring.store, SERVICE, USER).expect("entry");
    let cred: &mock::Cred = entry.as_any().downcast_ref().expect("a mock credential");
    cred.set_error(err);
}

#[test]
fn a_key_shows_at_most_its_last_four_characters() {
    assert_eq!(key().masked(), "…WXYZ");
    assert_eq!(ApiKey::new("short-key".into()).masked(), "…");
    assert_eq!(format!("{:?}", key()), "ApiKey(***)");
    assert!(!format!("{:?}", Some((key(), KeySource::Keyring))).contains("WXYZ"));
}

#[test]
fn set_get_delete_round_trip_in_the_mock_store() {
    let keyring = mock_keyring();
    assert_eq!(keyring.get(), Ok(None));
    assert_eq!(keyring.check(), Ok(()));
    keyring.set(&key()).expect("set");
    assert_eq!(keyring.get(), Ok(Some(key())));
    // Setting again replaces.
    let other = ApiKey::parse("sk-other-key-000000").expect("parse");
    keyring.set(&other).expect("set again");
    assert_eq!(keyring.get(), Ok(Some(other)));
    assert_eq!(keyring.delete(), Ok(true));
    assert_eq!(keyring.get(), Ok(None));
    assert_eq!(
        keyring.delete(),
        Ok(false),
        "deleting nothing is not an error"
    );
}

#[test]
fn store_failures_become_one_line_errors_that_suggest_the_environment() {
    let keyring = mock_keyring();
    fail_next(
        &keyring,
        KError::NoStorageAccess("collection is locked\nby the user".into()),
    );
    let err = keyring.get().expect_err("locked");
    assert!(matches!(err, SecretsError::Locked(_)), "{err:?}");
    let text = err.to_string();
    assert!(!text.contains('\n'), "{text}");
    assert!(
        text.contains("OPENAI_API_KEY") && text.contains("unlock"),
        "{text}"
    );

    fail_next(&keyring, KError::PlatformFailure("dbus went away".into()));
    let err = keyring.delete().expect_err("platform failure");
    assert_eq!(err, SecretsError::Failed("dbus went away".into()));

    fail_next(&keyring, KError::BadEncoding(KEY.as_bytes().to_vec()));
    let err = keyring.get().expect_err("bad encoding");
    assert!(!format!("{err} {err:?}").contains(KEY), "{err:?}");
}

#[test]
fn an_error_that_echoes_the_key_is_scrubbed() {
    let keyring = mock_keyring();
    fail_next(
        &keyring,
        KError::PlatformFailure(format!("cannot store {KEY}").into()),
    );
    let err = keyring.set(&key()).expect_err("fails");
    let text = format!("{err} {err:?}");
    assert!(!text.contains(KEY), "{text}");
    assert!(text.contains("***"), "{text}");
}

#[test]
fn the_environment_wins_without_asking_the_keyring() {
    let env = ApiKey::new("sk-from-the-environment".into());
    let lookup = lookup_key_in(Some(env.clone()), || {
        panic!("the keyring must not be consulted when the environment has a key")
    });
    assert_eq!(lookup.key, Some((env, KeySource::Environment)));
    assert_eq!(lookup.keyring_error, None);
}

#[test]
fn without_the_environment_the_keyring_is_read() {
    let keyring = mock_keyring();
    let lookup = lookup_key_in(None, || Ok(keyring.clone()));
    assert_eq!(lookup.key, None);
    assert_eq!(lookup.keyring_error, None);

    keyring.set(&key()).expect("set");
    let lookup = lookup_key_in(None, || Ok(keyring));
    assert_eq!(lookup.key, Some((key(), KeySource::Keyring)));
}

#[test]
fn an_unreachable_keyring_means_no_key_and_says_why() {
    let lookup = lookup_key_in(None, || Err(SecretsError::Unavailable("no D-Bus".into())));
    assert_eq!(lookup.key, None);
    let err = lookup.keyring_error.expect("the problem is kept");
    assert_eq!(
        err.to_string(),
        "no OS keyring is reachable (no D-Bus); set OPENAI_API_KEY instead"
    );
}

/// A store whose first call blocks until the test ends: a Secret Service that never
/// answers. Any later call that reaches it fails at once with "reached the store",
/// so a call that is skipped (a time-out without asking) tells itself apart from a
/// call that asked again.
struct Stuck {
    release: Mutex<mpsc::Receiver<()>>,
    calls: std::sync::atomic::AtomicUsize,
}

impl CredentialStoreApi for Stuck {
    fn vendor(&self) -> String {
        "stuck".into()
    }
    fn id(&self) -> String {
        "stuck".into()
    }
    fn build(
        &self,
        _service: &str,
        _user: &str,
        _mods: Option<&HashMap<&str, &str>>,
    ) -> keyring_core::Result<Entry> {
        if self.calls.fetch_add(1, Ordering::SeqCst) > 0 {
            return Err(KError::PlatformFailure("reached the store".into()));
        }
        if let Ok(rx) = self.release.lock() {
            // Returns when the test drops the sender.
            let _ = rx.recv();
        }
        Err(KError::NoStorageAccess("released".into()))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

#[test]
fn a_keyring_that_never_answers_times_out_and_is_then_skipped() {
    let (release, rx) = mpsc::channel::<()>();
    let stuck = Arc::new(Stuck {
        release: Mutex::new(rx),
        calls: std::sync::atomic::AtomicUsize::new(0),
    });
    let keyring = Keyring::with_store(stuck.clone(), Duration::from_millis(50));
    assert_eq!(
        keyring.get(),
        Err(SecretsError::TimedOut(Duration::from_millis(50)))
    );
    assert!(keyring.stalled.load(Ordering::Relaxed));
    // The second call neither queues behind the first nor asks the store again (a
    // call that asked would fail with "reached the store"): it is refused at once.
    assert_eq!(
        keyring.set(&key()),
        Err(SecretsError::TimedOut(Duration::from_millis(50)))
    );
    assert_eq!(
        keyring.delete(),
        Err(SecretsError::TimedOut(Duration::from_millis(50)))
    );
    assert_eq!(stuck.calls.load(Ordering::SeqCst), 1);
    drop(release);
}

#[test]
fn a_keyring_call_that_panics_is_an_error_not_a_crash() {
    let result: Result<(), SecretsError> = bounded(Duration::from_secs(30), || {
        panic!("a store bug");
    });
    assert_eq!(
        result,
        Err(SecretsError::Failed("the keyring call crashed".into()))
    );
}
