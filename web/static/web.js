// Optional: fills in the phone's location when the villager asks for it.
// The page works without it.
(function () {
  var btn = document.getElementById("locate");
  if (!btn || !navigator.geolocation) { return; }
  btn.hidden = false;
  btn.addEventListener("click", function () {
    var out = document.getElementById("located");
    out.textContent = "正在获取位置…";
    navigator.geolocation.getCurrentPosition(function (p) {
      document.getElementById("lat").value = p.coords.latitude.toFixed(6);
      document.getElementById("lng").value = p.coords.longitude.toFixed(6);
      out.textContent = "已附上位置";
    }, function () { out.textContent = "没有取得位置（可以不附）"; }, { timeout: 10000 });
  });
})();

// Says which photos are chosen (the file input is hidden behind its label),
// and asks for another choice when there are more than the page takes.
(function () {
  var input = document.getElementById("photos");
  var out = document.getElementById("chosen");
  if (!input || !out) { return; }
  input.addEventListener("change", function () {
    var n = input.files ? input.files.length : 0, max = Number(input.dataset.max) || 3;
    if (n === 0) { out.textContent = ""; return; }
    out.textContent = n > max ? "选了 " + n + " 张，最多 " + max + " 张：请重新选择" : "已选 " + n + " 张照片";
  });
})();
