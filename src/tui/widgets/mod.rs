//! Self-contained widgets: state, pure key handling, and drawing into a buffer.
