"""RQ jobs, the queue policy and the worker entry point: glue from queue to media to service."""
