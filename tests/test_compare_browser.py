"""End-to-end in real headless Chromium: comparing a whole project (a .zip upload), and
pasting a model without losing the chat's filters. The app runs over the tiny index of
``tests/browser/corpus.py``; each test opens a fresh page (its own session)."""

from __future__ import annotations

import zipfile

import pytest
from browser.chromium import chromium_path
from browser.corpus import FLAWED_KERAS_MODEL
from browser.ui import ask, bot_messages, table_column

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(chromium_path() is None, reason="Debian chromium is not installed (make chromium)"),
]

# A small project written for this test: the model in one file, its training in another.
PROJECT_MODEL = """import torch
import torch.nn as nn
import torch.nn.functional as F


class DigitNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3)
        self.fc1 = nn.Linear(16 * 26 * 26, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = torch.flatten(x, 1)
        x = self.fc1(x)
        return self.fc2(x)
"""
PROJECT_TRAIN = """import torch
import torch.nn as nn
from torchvision import datasets, transforms
from model import DigitNet

net = DigitNet()
data = datasets.MNIST("data", train=True, download=True, transform=transforms.ToTensor())
loader = torch.utils.data.DataLoader(data, batch_size=64, shuffle=True)
opt = torch.optim.SGD(net.parameters(), lr=0.01)
loss_fn = nn.CrossEntropyLoss()
for epoch in range(5000):
    for x, y in loader:
        opt.zero_grad()
        loss_fn(net(x), y).backward()
        opt.step()
"""


def compare_and_wait(page) -> str:
    before = len(bot_messages(page))
    page.click("#compare")
    page.wait_for_function("n => document.querySelectorAll('#chat [data-testid=\"bot\"]').length > n",
                           arg=before)
    return bot_messages(page)[-1]


def test_a_zip_of_a_project_is_compared(page, tmp_path) -> None:
    z = tmp_path / "digits_project.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("digits/model.py", PROJECT_MODEL)
        zf.writestr("digits/train.py", PROJECT_TRAIN)
        zf.writestr("digits/README.md", "# Digits\nA small MNIST classifier.\n")
        zf.writestr("../outside.py", "print('never extracted')\n")
    page.get_by_role("tab", name="Your model").click()
    page.set_input_files("#upload input[type=file]", str(z))
    page.wait_for_selector("#upload :text('digits_project.zip')")
    reply = compare_and_wait(page)
    assert "Read `DigitNet`" in reply and "pytorch" in reply
    assert "How they were chosen:" in reply and "MNIST image classification examples" in reply
    page.wait_for_function("() => document.querySelector('#findings').innerText.includes('finding')")
    findings = page.inner_text("#findings")
    assert "digits_project.zip" in findings and "missing_activation" in findings


def test_pasting_a_model_keeps_the_chats_filters(page) -> None:
    ask(page, "classify handwritten digits", plots=False)
    ask(page, "only PyTorch", plots=False)
    assert page.input_value("#framework input").startswith("PyTorch")
    page.get_by_role("tab", name="Your model").click()
    page.fill("#paste textarea", FLAWED_KERAS_MODEL)
    reply = compare_and_wait(page)
    assert "compared with these" in reply and "with framework PyTorch" in reply
    # the control, the status and the table still show the chat's filter
    assert page.input_value("#framework input").startswith("PyTorch")
    assert "PyTorch" in page.inner_text("#status")
    page.get_by_role("tab", name="Examples").click()
    frameworks = table_column(page, 3)
    assert frameworks and set(frameworks) == {"PyTorch"}
