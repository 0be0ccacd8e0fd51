"""Reading and checking what analysts type: Thai digits and dates, the data contract, located problems.

The bottom layer: it imports nothing else from planlib.
"""
