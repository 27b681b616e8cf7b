"""A short two-article edition, so the real offline voice reads it in seconds (the runs that
generate, correct, stop or time whole editions)."""

EDITION = """\
我市新建城市书房二十座

本报讯（记者 赵丽）记者从市文旅局获悉，今年我市新建城市书房20座。市民可以就近借阅图书。

气温回升，市民出游增多

本报讯（记者 刘洋）6月26日，全市最高气温达到31℃。各景区接待游客12,468人次。
"""
