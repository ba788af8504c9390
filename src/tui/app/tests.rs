//! Unit tests of `App::update`: every key and event, no terminal.
