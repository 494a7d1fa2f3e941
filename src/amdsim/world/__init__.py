"""The World state and the messages that pass between stages (detections, pictures, orders, shots)."""
