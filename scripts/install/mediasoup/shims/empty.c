/* Intentionally empty: link_whole in mediasoup's meson.build needs a build target. */
