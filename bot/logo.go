package bot

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"sync"

	"github.com/gin-gonic/gin"
)

// logoPath serves the image that request_user_info templates carry when
// CDTBOT_OA_LOGO_URL is not set (Zalo's documentation requires an image there).
const logoPath = "/static/oa-logo.png"

var (
	logoOnce sync.Once
	logoPNG  []byte
)

// logo draws a plain mark (a white check on Zalo blue): no file to ship, the same bytes every time.
func logo() []byte {
	logoOnce.Do(func() {
		const n = 240
		img := image.NewRGBA(image.Rect(0, 0, n, n))
		blue, white := color.RGBA{0x00, 0x68, 0xff, 0xff}, color.RGBA{0xff, 0xff, 0xff, 0xff}
		for y := 0; y < n; y++ {
			for x := 0; x < n; x++ {
				img.Set(x, y, blue)
				// a check mark: two thick strokes
				if (x >= 60 && x <= 110 && abs(y-(x+60)) <= 12) || (x >= 100 && x <= 190 && abs(y-(270-x)) <= 12) {
					img.Set(x, y, white)
				}
			}
		}
		var buf bytes.Buffer
		_ = png.Encode(&buf, img)
		logoPNG = buf.Bytes()
	})
	return logoPNG
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func serveLogo(c *gin.Context) {
	c.Header("Cache-Control", "public, max-age=86400")
	c.Data(http.StatusOK, "image/png", logo())
}
