from wagtail import hooks

from .operations import ChannelCropOperation, WatermarkOperation


@hooks.register("register_image_operations")
def register_channel_operations():
    return [("channelcrop", ChannelCropOperation), ("watermark", WatermarkOperation)]
