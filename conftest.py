pytest_plugins = ["rongmei.testing"]
