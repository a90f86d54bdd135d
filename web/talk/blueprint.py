from flask import Blueprint

bp = Blueprint("talk", __name__)
