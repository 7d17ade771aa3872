"""A plugin module that fails while importing, as a plugin with a missing dependency would."""

raise ImportError("this plugin needs the package 'nonexistent_dependency'")
