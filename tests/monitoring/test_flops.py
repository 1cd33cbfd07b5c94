"""FLOPs per example from the traced graph agree with a hand count (MLP, CNN, attention)."""

import keras

from keras_recipes.monitoring.flops import forward_flops, train_flops


def test_mlp_counts_two_flops_per_weight_of_each_dense_layer():
    inputs = keras.Input((64,))
    hidden = keras.layers.Dense(128, activation="relu")(inputs)
    model = keras.Model(inputs, keras.layers.Dense(10)(hidden))
    assert forward_flops(model) == 2 * (64 * 128 + 128 * 10)
    assert train_flops(model) == 3 * 2 * (64 * 128 + 128 * 10)


def test_cnn_counts_every_output_position_of_each_convolution():
    inputs = keras.Input((8, 8, 1))
    h = keras.layers.Conv2D(16, 3, padding="same")(inputs)          # 8x8 out, 3x3x1 -> 16
    h = keras.layers.MaxPooling2D()(h)
    h = keras.layers.Conv2D(32, 3)(h)                               # 2x2 out, 3x3x16 -> 32
    h = keras.layers.DepthwiseConv2D(3, padding="same")(h)          # 2x2x32, 3x3 each
    h = keras.layers.Flatten()(h)
    model = keras.Model(inputs, keras.layers.Dense(10)(h))          # 128 -> 10
    hand = 2 * (8 * 8 * 16 * 9 * 1 + 2 * 2 * 32 * 9 * 16 + 2 * 2 * 32 * 9 + 128 * 10)
    assert forward_flops(model) == hand


def test_attention_and_conv1d_and_transposed_conv_are_counted():
    tokens = keras.Input((16, 32))
    attention = keras.layers.MultiHeadAttention(num_heads=4, key_dim=8)(tokens, tokens)
    # q, k, v projections; scores and weighted sum (4 heads, 16x16, 8 dims); output projection
    hand = 3 * 2 * 16 * 32 * 32 + 2 * 2 * 4 * 16 * 16 * 8 + 2 * 16 * 32 * 32
    assert forward_flops(keras.Model(tokens, attention)) == hand
    ids = keras.Input((16,), dtype="int32")
    conv = keras.layers.Conv1D(4, 3)(keras.layers.Embedding(100, 8)(ids))
    assert forward_flops(keras.Model(ids, conv)) == 2 * 14 * 4 * 3 * 8
    image = keras.Input((8, 8, 3))
    up = keras.layers.Conv2DTranspose(4, 3, strides=2, padding="same")(image)
    assert forward_flops(keras.Model(image, up)) == 2 * 8 * 8 * 3 * 9 * 4


def test_a_model_without_fixed_input_shapes_has_no_count():
    inputs = keras.Input((None, 8))
    assert forward_flops(keras.Model(inputs, keras.layers.Dense(2)(inputs))) is None
