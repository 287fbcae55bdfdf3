def register_signal_handlers():
    pass
