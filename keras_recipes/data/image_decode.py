"""One image file -> pixels at the recipe's size: the decoding training and `predict` share."""

from __future__ import annotations


def decode_image(path, image_size, channels: int):
    """Reads, decodes (PNG/JPEG/GIF/BMP) and resizes one image, inside or outside `tf.data`.

    Resizing is bilinear (`tf.image.resize`); the result is rounded back to
    uint8, so an image already at `image_size` passes unchanged.

    Example:

    >>> decode_image("digits/seven/0.png", (8, 8), 1).shape  # doctest: +SKIP
    TensorShape([8, 8, 1])

    Args:
        path: a scalar string tensor (or str).
        image_size: `(height, width)`.
        channels: 1 (grayscale), 3 (rgb) or 4 (rgba).

    Returns:
        A uint8 tensor `[height, width, channels]` of raw pixel values 0-255.
    """
    import tensorflow as tf

    height, width = (int(v) for v in image_size)
    image = tf.io.decode_image(tf.io.read_file(path), channels=channels,
                               expand_animations=False)
    image = tf.image.resize(image, (height, width))
    image = tf.cast(tf.clip_by_value(tf.round(image), 0, 255), tf.uint8)
    return tf.ensure_shape(image, (height, width, channels))
