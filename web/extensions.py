"""Flask extensions, created once here and bound to the app in ``create_app``."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

login_manager = LoginManager()
csrf = CSRFProtect()
# No default limits: only the routes that name a limit (signing in) are throttled.
limiter = Limiter(key_func=get_remote_address)
