"""An image classifier for element screenshots (button or text link, by its look).

The pieces, each in its own module:

- split.py:    the images of a folder-per-class tree and the train/validation split
- dataset.py:  decoding, preprocessing and JPEG augmentation with Pillow
- model.py:    the small CNN of the seed, in PyTorch
- train.py:    the training loop and the validation report
- metrics.py:  accuracy, precision, recall and the confusion matrix
- modeldir.py: saving and loading a model directory (no pickle)
- predict.py:  class and probability for new images
"""
