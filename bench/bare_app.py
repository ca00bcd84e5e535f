"""The baseline for bench/intake.py: a Flask app whose one route answers 204 and does nothing.

It is served by the same gunicorn command as reviewq, so the gap between the two is what
reviewq's intake adds (signature check, validation, the database round-trips and commit).
"""

from flask import Flask

app = Flask(__name__)


@app.route("/", methods=["GET", "POST"])
def bare() -> tuple[str, int]:
    return "", 204
