"""DropBox: folders an administrator registers, whose arrivals a service imports once they are complete
and quiet, each import an ordinary job.

    folders  registering, listing and removing watched folders; their standing acknowledgement
    quiet    when a file, and a fileset, has stopped changing long enough to be imported
    service  the long-running service (watchdog observers, one import at a time), built on engine.api

This package imports nothing of `service` here: engine.api's session uses `folders`, and `service`
uses engine.api.
"""
